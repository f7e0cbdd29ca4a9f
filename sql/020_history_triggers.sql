-- Cheaper history writes, as one rides inside every change: a trigger
-- function per table whose body is its one INSERT, and the rows kept as json
-- text (to_json writes it as it goes; jsonb would build and sort a tree per
-- row). Readers take fields with ->> alike. An update that changes nothing is
-- no event: the update triggers' WHEN says so before any function runs.
-- OLD is NULL on insert and NEW on delete, so to_json of them is the before
-- and after, and coalesce picks the row that exists.
drop trigger entity_history on entity;
drop trigger association_history on association;
drop trigger tag_history on tag;
drop trigger trial_membership_history on trial_membership;
drop function ld_history_record();

alter table history alter column before type json using before::json,
    alter column after type json using after::json;

create function ld_history_entity() returns trigger language plpgsql as $$
begin
    insert into history (tenant_id, subject, entity_id, kind, arn, operation, access_key, request_id, before, after)
    values (coalesce(new.tenant_id, old.tenant_id), 1, coalesce(new.id, old.id), coalesce(new.kind, old.kind),
            coalesce(new.arn, old.arn), nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), to_json(old), to_json(new));
    return null;
end
$$;

create function ld_history_association() returns trigger language plpgsql as $$
begin
    insert into history (tenant_id, subject, entity_id, other_id, operation, access_key, request_id, before, after)
    values (coalesce(new.tenant_id, old.tenant_id), 2, coalesce(new.source_id, old.source_id),
            coalesce(new.destination_id, old.destination_id), nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), to_json(old), to_json(new));
    return null;
end
$$;

create function ld_history_tag() returns trigger language plpgsql as $$
begin
    insert into history (tenant_id, subject, entity_id, operation, access_key, request_id, before, after)
    values (ld_history_tenant(coalesce(new.entity_id, old.entity_id)), 3, coalesce(new.entity_id, old.entity_id),
            nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), to_json(old), to_json(new));
    return null;
end
$$;

create function ld_history_membership() returns trigger language plpgsql as $$
begin
    insert into history (tenant_id, subject, entity_id, other_id, operation, access_key, request_id, before, after)
    values (ld_history_tenant(coalesce(new.trial_id, old.trial_id)), 4, coalesce(new.trial_id, old.trial_id),
            coalesce(new.component_id, old.component_id), nullif(current_setting('lineaged.operation', true), ''),
            nullif(current_setting('lineaged.access_key', true), ''),
            nullif(current_setting('lineaged.request_id', true), ''), to_json(old), to_json(new));
    return null;
end
$$;

create trigger entity_history after insert or delete on entity
    for each row execute function ld_history_entity();
create trigger entity_history_update after update on entity
    for each row when (old.* is distinct from new.*) execute function ld_history_entity();
create trigger association_history after insert or delete on association
    for each row execute function ld_history_association();
create trigger association_history_update after update on association
    for each row when (old.* is distinct from new.*) execute function ld_history_association();
create trigger tag_history after insert or delete on tag
    for each row execute function ld_history_tag();
create trigger tag_history_update after update on tag
    for each row when (old.* is distinct from new.*) execute function ld_history_tag();
create trigger trial_membership_history after insert or delete on trial_membership
    for each row execute function ld_history_membership();
