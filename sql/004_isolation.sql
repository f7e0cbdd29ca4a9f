-- Tenant isolation in the database itself: row-level security on every
-- tenant-owned table, keyed by the session setting lineaged.tenant (the
-- caller's tenant id) that the service sets before a request's first
-- statement. The service's workers run as the role lineaged_service (SET ROLE
-- after connecting), which owns nothing and is no superuser, so the policies
-- bind it; the migrating role owns the tables and bypasses them (migrations,
-- maintenance, the token key, the tenant lookup at start-up).

-- Roles are shared by the whole cluster: another database may have made it.
do $$
begin
    create role lineaged_service nologin;
exception when duplicate_object or unique_violation then
    null;
end
$$;
-- A superuser may SET ROLE to any role; a role that only owns the schema must be a member.
do $$
begin
    if not (select rolsuper from pg_roles where rolname = current_user) then
        execute format('grant lineaged_service to %I', current_user);
    end if;
end
$$;

grant usage on schema public to lineaged_service;
grant select, insert, update, delete on all tables in schema public to lineaged_service;
grant usage on all sequences in schema public to lineaged_service;
-- Tables and sequences later migrations create are the service's to use too.
alter default privileges in schema public grant select, insert, update, delete on tables to lineaged_service;
alter default privileges in schema public grant usage on sequences to lineaged_service;
-- The token key is read once at start-up, before the role switch.
revoke all on service_secret, schema_migrations from lineaged_service;

-- The caller's tenant; NULL (so no row matches) when the setting is absent.
create function ld_tenant() returns integer language sql stable parallel safe as $$
    select nullif(current_setting('lineaged.tenant', true), '')::integer
$$;

-- Whether entity `of_entity` is the caller's: the key of the tables that hang
-- off an entity (the lookup itself goes through entity's own policy).
create function ld_owns(of_entity bigint) returns boolean language sql stable parallel safe as $$
    select exists (select 1 from entity where id = of_entity)
$$;

alter table entity enable row level security;
create policy entity_tenant on entity to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter table association enable row level security;
create policy association_tenant on association to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter table lineage_group enable row level security;
create policy lineage_group_tenant on lineage_group to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter table search_param enable row level security;
create policy search_param_tenant on search_param to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter table history enable row level security;
create policy history_tenant on history to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter table tag enable row level security;
create policy tag_tenant on tag to lineaged_service
    using (ld_owns(entity_id)) with check (ld_owns(entity_id));
alter table trial_membership enable row level security;
create policy trial_membership_tenant on trial_membership to lineaged_service
    using (ld_owns(trial_id)) with check (ld_owns(trial_id) and ld_owns(component_id));
alter table metric_summary enable row level security;
create policy metric_summary_tenant on metric_summary to lineaged_service
    using (ld_owns(component_id)) with check (ld_owns(component_id));
-- Reads through the partitioned parent take its policy; a partition named
-- directly has RLS with no policy, so it shows the service nothing.
alter table metric_point enable row level security;
create policy metric_point_tenant on metric_point to lineaged_service
    using (ld_owns(component_id)) with check (ld_owns(component_id));
alter table metric_point_default enable row level security;
