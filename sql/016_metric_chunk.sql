-- Metric points are stored a series' batch to a row: a BatchPutMetrics batch
-- writes one row per (component, metric) it touches, holding that series'
-- points in arrival order, instead of one row and one index entry per point
-- (the index entry alone was a third of the cost of a batch). The table is
-- still an append-only time series, partitioned by the time of a row's
-- earliest point.
create sequence metric_chunk_seq as bigint;
create table metric_chunk (
    tenant_id    integer not null,
    component_id bigint not null,
    metric_name  text not null,
    ts           timestamptz(3) not null, -- the earliest of its points
    -- Point k (from 1) of the row comes in order seq + k; a batch draws one
    -- value and holds at most 64 calls of 10 points.
    seq          bigint not null default nextval('metric_chunk_seq') * 65536,
    ts_ms        bigint[] not null,   -- epoch milliseconds
    steps        integer[] not null,  -- NULL for a point without a step
    vals         double precision[] not null,
    constraint metric_chunk_points_check
        check (cardinality(steps) = cardinality(ts_ms) and cardinality(vals) = cardinality(ts_ms))
) partition by range (ts);
create table metric_chunk_default partition of metric_chunk default;
create index metric_chunk_series_idx on metric_chunk (component_id, metric_name, ts);

-- Reads through the partitioned parent take its policy; a partition named
-- directly has RLS with no policy, so it shows the service nothing.
alter table metric_chunk enable row level security;
create policy metric_chunk_tenant on metric_chunk to lineaged_service
    using (tenant_id = ld_tenant()) with check (tenant_id = ld_tenant());
alter table metric_chunk_default enable row level security;

-- Points written so far keep their order: each becomes a row of one, ahead of every new batch.
insert into metric_chunk (tenant_id, component_id, metric_name, ts, seq, ts_ms, steps, vals)
select tenant_id, component_id, metric_name, ts, seq - 1, array[(extract(epoch from ts) * 1000)::bigint],
       array[step], array[value]
from metric_point;
select setval('metric_chunk_seq', coalesce((select max(seq) from metric_point), 0) / 65536 + 1);
drop table metric_point_default;
drop table metric_point;
