-- The audit trail: one append-only row per change to an entity, association,
-- tag or trial membership, written by triggers in the changing transaction,
-- so the lineage graph as of any past moment can be rebuilt from it.

-- subject: 1 entity (entity_id; arn and kind set), 2 association (entity_id is
-- the source, other_id the destination), 3 tag (entity_id), 4 trial
-- membership (entity_id the trial, other_id the component). before/after are
-- the row as it was and became (NULL on create and delete). The caller comes
-- from the session settings lineaged.* the store sets before its writes
-- (db_audit); tags and memberships take the tenant from there too.
-- No primary key: nothing looks a row up by id, and each index is paid on
-- every write; id orders the rows of one moment.
create table history (
    id          bigint generated always as identity,
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

-- The tenant of a tag or membership row: the caller's, which the store set,
-- else (a change made outside the service) its entity's.
create function ld_history_tenant(of_entity bigint) returns integer language sql stable as $$
    select coalesce(nullif(current_setting('lineaged.tenant', true), '')::integer,
                    (select tenant_id from entity where id = of_entity), 0)
$$;

-- One row per changed row. Fields are read from OLD/NEW directly (not
-- through jsonb) and each table has its own branch, as this runs inside
-- every write: plpgsql plans a branch's statement only when it runs.
create function ld_history_record() returns trigger language plpgsql as $$
declare
    r record;
    old_row jsonb;
    new_row jsonb;
    op text := nullif(current_setting('lineaged.operation', true), '');
    caller text := nullif(current_setting('lineaged.access_key', true), '');
    request text := nullif(current_setting('lineaged.request_id', true), '');
begin
    if tg_op = 'DELETE' then
        r := old;
    else
        r := new;
        new_row := to_jsonb(new);
    end if;
    if tg_op <> 'INSERT' then
        old_row := to_jsonb(old);
        if old_row = new_row then -- an update that changes nothing is no event
            return null;
        end if;
    end if;
    if tg_table_name = 'entity' then
        insert into history (tenant_id, subject, entity_id, kind, arn, operation, access_key, request_id, before, after)
        values (r.tenant_id, 1, r.id, r.kind, r.arn, op, caller, request, old_row, new_row);
    elsif tg_table_name = 'association' then
        insert into history (tenant_id, subject, entity_id, other_id, operation, access_key, request_id, before, after)
        values (r.tenant_id, 2, r.source_id, r.destination_id, op, caller, request, old_row, new_row);
    elsif tg_table_name = 'tag' then
        insert into history (tenant_id, subject, entity_id, operation, access_key, request_id, before, after)
        values (ld_history_tenant(r.entity_id), 3, r.entity_id, op, caller, request,
                old_row, new_row);
    else
        insert into history (tenant_id, subject, entity_id, other_id, operation, access_key, request_id, before, after)
        values (ld_history_tenant(r.trial_id), 4, r.trial_id, r.component_id, op, caller, request,
                old_row, new_row);
    end if;
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
