-- Cheaper history rows, as one rides inside every create.
--
-- An entity's or association's before and after are kept as the row itself,
-- in a column of the table's row type: writing one copies the row, where
-- to_json formatted every column (timestamps and jsonb included). Readers
-- take fields directly, and to_json only when they serve a row. Tags and
-- memberships, written seldom, keep their JSON.
-- ALTER TABLE refuses to rewrite a table whose row type a column uses (a
-- column added with a default, a type change, a stored generated column): a
-- migration of entity or association adds a column bare, then sets its
-- default and fills it in, or converts these columns first.
alter table history
    add column before_entity entity, add column after_entity entity,
    add column before_association association, add column after_association association;

-- Nothing filters on a stored row: ANALYZE would sort a sample of them with
-- the row type's comparison, in an autovacuum worker beside the writes.
alter table history alter column before_entity set statistics 0, alter column after_entity set statistics 0,
    alter column before_association set statistics 0, alter column after_association set statistics 0;

alter table history disable trigger history_append_only; -- the same rows, in their new columns
update history set
    before_entity = case when before is not null then json_populate_record(null::entity, before) end,
    after_entity = case when after is not null then json_populate_record(null::entity, after) end,
    before = null, after = null
    where subject = 1;
update history set
    before_association = case when before is not null then json_populate_record(null::association, before) end,
    after_association = case when after is not null then json_populate_record(null::association, after) end,
    before = null, after = null
    where subject = 2;
alter table history enable trigger history_append_only;

drop index history_deleted_arn_idx;
create index history_deleted_arn_idx on history (tenant_id, arn, at, id)
    where arn is not null and (after_entity).id is null;

-- Only the triggers write history, as the tables' owner: the service's role
-- can no longer insert a row of its own, and a history row skips the
-- row-level security check (its tenant is that of the row it records, which
-- passed the check). They run under the caller's search_path, so tables are
-- schema-qualified; the service's role can create objects only in pg_temp,
-- which function and operator lookup skip.
revoke insert on history from lineaged_service;

create or replace function ld_history_entity() returns trigger language plpgsql security definer as $$
begin
    insert into public.history (tenant_id, subject, entity_id, kind, arn, operation, access_key, request_id,
                                before_entity, after_entity)
    values (coalesce(new.tenant_id, old.tenant_id), 1, coalesce(new.id, old.id), coalesce(new.kind, old.kind),
            coalesce(new.arn, old.arn), nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), old, new);
    return null;
end
$$;

create or replace function ld_history_association() returns trigger language plpgsql security definer as $$
begin
    insert into public.history (tenant_id, subject, entity_id, other_id, operation, access_key, request_id,
                                before_association, after_association)
    values (coalesce(new.tenant_id, old.tenant_id), 2, coalesce(new.source_id, old.source_id),
            coalesce(new.destination_id, old.destination_id), nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), old, new);
    return null;
end
$$;

create or replace function ld_history_tag() returns trigger language plpgsql security definer as $$
begin
    insert into public.history (tenant_id, subject, entity_id, operation, access_key, request_id, before, after)
    values (public.ld_history_tenant(coalesce(new.entity_id, old.entity_id)), 3, coalesce(new.entity_id, old.entity_id),
            nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), to_json(old), to_json(new));
    return null;
end
$$;

create or replace function ld_history_membership() returns trigger language plpgsql security definer as $$
begin
    insert into public.history (tenant_id, subject, entity_id, other_id, operation, access_key, request_id, before, after)
    values (public.ld_history_tenant(coalesce(new.trial_id, old.trial_id)), 4, coalesce(new.trial_id, old.trial_id),
            coalesce(new.component_id, old.component_id), nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), to_json(old), to_json(new));
    return null;
end
$$;

revoke execute on function ld_history_entity(), ld_history_association(), ld_history_tag(),
    ld_history_membership() from public;
