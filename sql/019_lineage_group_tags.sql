-- Tags on lineage groups: AddTags, ListTags and DeleteTags take a lineage group's
-- ARN as they take an entity's. Groups are not entities, so their tags have a
-- table of their own, with the same order (seq) and the tenant's policy. The
-- audit trail records entities and what hangs off them; group tags are not in it.
create table lineage_group_tag (
    group_id  bigint not null references lineage_group (id) on delete cascade,
    tenant_id integer not null default ld_tenant(),
    key       text not null,
    value     text not null,
    seq       bigint generated always as identity,
    constraint lineage_group_tag_pkey primary key (group_id, key)
);
create index lineage_group_tag_order_idx on lineage_group_tag (group_id, seq);

alter table lineage_group_tag enable row level security;
create policy lineage_group_tag_tenant on lineage_group_tag to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
