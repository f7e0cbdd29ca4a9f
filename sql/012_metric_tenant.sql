-- Metric rows carry their tenant, so that their row-level security is a plain
-- equality: the policies of 004 called ld_owns() for every row a statement
-- wrote or read, an SQL function PostgreSQL cannot inline, so each call
-- parsed, planned and ran an entity lookup (three calls per summary upsert,
-- one per point; a third of the CPU of a BatchPutMetrics call).
alter table metric_point add column tenant_id integer;
alter table metric_summary add column tenant_id integer;
update metric_point p set tenant_id = e.tenant_id from entity e where e.id = p.component_id;
update metric_summary s set tenant_id = e.tenant_id from entity e where e.id = s.component_id;
-- Points of deleted components: no policy let anyone read them.
delete from metric_point where tenant_id is null;
alter table metric_point alter column tenant_id set not null;
alter table metric_summary alter column tenant_id set not null;

alter policy metric_point_tenant on metric_point
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter policy metric_summary_tenant on metric_summary
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
