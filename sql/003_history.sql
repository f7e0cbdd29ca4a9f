-- The audit trail: one append-only row per change to an entity, association,
-- tag or trial membership, written by triggers in the changing transaction,
-- so the lineage graph as of any past moment can be rebuilt from it.

-- subject: 1 entity (entity_id; arn and kind set), 2 association (entity_id is
-- the source, other_id the destination), 3 tag (entity_id), 4 trial
-- membership (entity_id the trial, other_id the component). before/after are
-- the row as it was and became (NULL on create and delete). The caller comes
-- from the session settings lineaged.* the store sets before its writes.
create table history (
    id          bigint generated always as identity primary key,
    tenant_id   integer not null,
    at          timestamptz(3) not null default now(),
    subject     smallint not null,
    entity_id   bigint not null,
    other_id    bigint,
    kind        smallint,
    arn         text,
    operation   text,
    access_key  text,
    request_id  text,
    before      jsonb,
    after       jsonb,
    constraint history_subject_check check (subject between 1 and 4)
);
-- As-of reads take the latest row per key at or before a time: an entity's
-- rows by id or by ARN, an edge's by either end.
create index history_entity_idx on history (entity_id, subject, other_id, at, id);
create index history_other_idx on history (other_id, subject, entity_id, at, id) where other_id is not null;
create index history_arn_idx on history (tenant_id, arn, at, id) where arn is not null;

create function ld_history_record() returns trigger language plpgsql as $$
declare
    old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
    new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
    row_now jsonb := coalesce(new_row, old_row);
    subj smallint := case tg_table_name when 'entity' then 1 when 'association' then 2 when 'tag' then 3
                     else 4 end;
begin
    -- An update that changes nothing is no event.
    if tg_op = 'UPDATE' and old_row = new_row then
        return null;
    end if;
    insert into history (tenant_id, subject, entity_id, other_id, kind, arn, operation, access_key,
                         request_id, before, after)
    values (coalesce((row_now->>'tenant_id')::integer,
                     nullif(current_setting('lineaged.tenant', true), '')::integer, 0),
            subj,
            case subj when 1 then (row_now->>'id')::bigint when 2 then (row_now->>'source_id')::bigint
                      when 3 then (row_now->>'entity_id')::bigint else (row_now->>'trial_id')::bigint end,
            case subj when 2 then (row_now->>'destination_id')::bigint
                      when 4 then (row_now->>'component_id')::bigint end,
            case subj when 1 then (row_now->>'kind')::smallint end,
            case subj when 1 then row_now->>'arn' end,
            nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''),
            old_row, new_row);
    return null;
end
$$;

create trigger entity_history after insert or update or delete on entity
    for each row execute function ld_history_record();
create trigger association_history after insert or update or delete on association
    for each row execute function ld_history_record();
create trigger tag_history after insert or update or delete on tag
    for each row execute function ld_history_record();
create trigger trial_membership_history after insert or delete on trial_membership
    for each row execute function ld_history_record();

-- Append-only: history rows are never changed or removed.
create function ld_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'history is append-only: % is not allowed', tg_op using errcode = '42501';
end
$$;
create trigger history_append_only before update or delete or truncate on history
    for each statement execute function ld_history_append_only();

-- What existed before the trail began, recorded at its creation time.
insert into history (tenant_id, at, subject, entity_id, kind, arn, operation, after)
    select tenant_id, created_at, 1, id, kind, arn, 'Baseline', to_jsonb(e) from entity e;
insert into history (tenant_id, at, subject, entity_id, other_id, operation, after)
    select tenant_id, created_at, 2, source_id, destination_id, 'Baseline', to_jsonb(a) from association a;
insert into history (tenant_id, at, subject, entity_id, operation, after)
    select e.tenant_id, e.created_at, 3, t.entity_id, 'Baseline', to_jsonb(t)
    from tag t join entity e on e.id = t.entity_id;
insert into history (tenant_id, at, subject, entity_id, other_id, operation, after)
    select e.tenant_id, m.created_at, 4, m.trial_id, m.component_id, 'Baseline', to_jsonb(m)
    from trial_membership m join entity e on e.id = m.trial_id;
