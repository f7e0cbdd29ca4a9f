-- The tenant on tag rows (metric rows have theirs from 012), so that their row-level security
-- policy is a comparison rather than a call of ld_owns (an entity lookup run
-- through the SQL-function executor, about 8 us a row): a Search filter on a
-- common tag value read 50,000 tag rows and spent 400 ms in the policy alone.
-- The service's writes take the tenant from its session setting; the check
-- still proves the entity is the caller's.
alter table tag disable trigger tag_history; -- filling in a column is no change to record
alter table tag add column tenant_id integer;
update tag set tenant_id = e.tenant_id from entity e where e.id = tag.entity_id;
alter table tag enable trigger tag_history;
alter table tag alter column tenant_id set default ld_tenant(), alter column tenant_id set not null;

drop policy tag_tenant on tag;
create policy tag_tenant on tag to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant() and ld_owns(entity_id));

-- Search's tag filters from the index alone: the tenant's records with a tag
-- key and value, or whether one record has it (the id a key column, so that
-- probing one record's tag needs no table page).
drop index tag_key_value_idx;
create index tag_key_value_idx on tag (tenant_id, key, value, entity_id);
