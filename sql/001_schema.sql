-- The whole data model: tenants, typed vertices, association edges, trial
-- membership, tags, metric points with their summaries, lineage groups.
-- Every row belongs to one (account, region) through tenant_id. Tenants are
-- never deleted, so tenant_id carries no foreign key: one would take a share
-- lock on the tenant's single row for every insert, and concurrent writers of
-- one account would queue on it.

create table tenant (
    id         integer generated always as identity primary key,
    account    text not null,
    region     text not null,
    created_at timestamptz not null default now(),
    constraint tenant_account_check check (account ~ '^[0-9]{12}$'),
    constraint tenant_scope_key unique (account, region)
);

-- The key that signs pagination tokens, shared by every worker and restart.
create table service_secret (
    id        smallint primary key default 1,
    token_key bytea not null,
    constraint service_secret_single check (id = 1)
);

-- One default lineage group per tenant, created with its first lineage entity.
create table lineage_group (
    id           bigint generated always as identity primary key,
    tenant_id    integer not null,
    name         text not null,
    arn          text not null,
    display_name text,
    description  text,
    created_at   timestamptz(3) not null default now(),
    created_by   jsonb not null default '{}',
    modified_at  timestamptz(3) not null default now(),
    modified_by  jsonb not null default '{}',
    policy       text,
    constraint lineage_group_name_key unique (tenant_id, name)
);

-- Vertices. kind: 1 experiment, 2 trial, 3 trial component, 4 artifact,
-- 5 action, 6 context. vertex_type is the QueryLineage Type (ArtifactType,
-- ActionType, ContextType, the job kind of a component, 'Experiment').
create table entity (
    id            bigint generated always as identity primary key,
    tenant_id     integer not null,
    kind          smallint not null,
    name          text,
    name_key      text,
    arn           text not null,
    vertex_type   text,
    display_name  text,
    description   text,
    source_uri    text,
    source_type   text,
    source_id     text,
    status        text,
    parent_id     bigint references entity (id),
    auto_created  boolean not null default false,
    details       jsonb not null default '{}',
    created_at    timestamptz(3) not null,
    created_by    jsonb not null default '{}',
    modified_at   timestamptz(3) not null,
    modified_by   jsonb not null default '{}',
    constraint entity_kind_check check (kind between 1 and 6),
    constraint entity_name_case_check check (name_key = lower(name))
);
create unique index entity_name_key on entity (tenant_id, kind, name_key) where name_key is not null;
create unique index entity_arn_key on entity (tenant_id, arn);
create index entity_created_idx on entity (tenant_id, kind, created_at, id);
create index entity_name_sort_idx on entity (tenant_id, kind, name_key, id);
create index entity_source_uri_idx on entity (tenant_id, kind, source_uri) where source_uri is not null;
create index entity_source_arn_ci_idx on entity (tenant_id, kind, lower(source_uri)) where kind = 3;
create index entity_parent_idx on entity (parent_id) where parent_id is not null;

-- Edges, in their stored direction. The primary key serves forward walks,
-- association_reverse_idx backward ones.
create table association (
    tenant_id        integer not null,
    source_id        bigint not null references entity (id),
    destination_id   bigint not null references entity (id),
    association_type text,
    created_at       timestamptz(3) not null,
    created_by       jsonb not null default '{}',
    constraint association_pkey primary key (source_id, destination_id)
);
create index association_reverse_idx on association (destination_id, source_id);
create index association_source_created_idx on association (source_id, created_at);
create index association_destination_created_idx on association (destination_id, created_at);
create index association_created_idx on association (tenant_id, created_at, source_id, destination_id);

-- A trial component can belong to many trials.
create table trial_membership (
    trial_id     bigint not null references entity (id),
    component_id bigint not null references entity (id),
    created_at   timestamptz(3) not null default now(),
    constraint trial_membership_pkey primary key (trial_id, component_id)
);
create index trial_membership_component_idx on trial_membership (component_id, trial_id);

-- Tags keep the order of first addition (seq); a key added again replaces its value.
create table tag (
    entity_id bigint not null references entity (id) on delete cascade,
    key       text not null,
    value     text not null,
    seq       bigint generated always as identity,
    constraint tag_pkey primary key (entity_id, key)
);
create index tag_order_idx on tag (entity_id, seq);
create index tag_key_value_idx on tag (key, value);

-- Metric points: append-only time series, partitioned by time.
create table metric_point (
    component_id bigint not null,
    metric_name  text not null,
    ts           timestamptz(3) not null,
    step         integer,
    value        double precision not null,
    seq          bigint generated always as identity
) partition by range (ts);
create table metric_point_default partition of metric_point default;
create index metric_point_series_idx on metric_point (component_id, metric_name, ts);

-- Running summaries per (component, metric) so Describe never scans points.
-- mean/m2 are the running mean and sum of squared deviations. Each database
-- connection folds its writes into its own shard (backend pid mod 16), so
-- concurrent writers of one series never wait on one row; readers combine
-- the few shards. Rows are rewritten at every write, so pages keep room for
-- in-page (HOT) updates and vacuum runs after a fixed number of them.
create table metric_summary (
    component_id bigint not null references entity (id) on delete cascade,
    metric_name  text not null,
    shard        smallint not null,
    source_arn   text,
    count        bigint not null,
    min          double precision not null,
    max          double precision not null,
    mean         double precision not null,
    m2           double precision not null,
    last_value   double precision not null,
    last_ts      timestamptz(3) not null,
    last_step    integer,
    last_seq     bigint not null,
    max_ts       timestamptz(3) not null,
    constraint metric_summary_pkey primary key (component_id, metric_name, shard)
) with (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);

-- Merges one map member of a details document: keys in `removals` (a JSON
-- array) go first, then each key of `additions` replaces its own; keys not
-- named stay. A NULL member or no change returns the document as it is.
create function ld_merge_map(doc jsonb, member text, additions jsonb, removals jsonb)
returns jsonb language sql immutable as $$
    select case
        when member is null or (additions is null and removals is null) then doc
        else jsonb_set(doc, array[member],
                       (coalesce(doc->member, '{}'::jsonb)
                        - array(select jsonb_array_elements_text(coalesce(removals, '[]'::jsonb))))
                       || coalesce(additions, '{}'::jsonb))
    end
$$;
