-- A pipeline-shaped lineage graph for `scripts/bench lineage`, written straight
-- into the schema: raw datasets -> processing jobs -> feature datasets ->
-- training jobs (+ shared images) -> models -> deployments -> endpoints.
-- 1,000,000 vertices, about 2,900,000 associations. Fan-in and fan-out come
-- from bijections (i * p + k * q) mod n, so every vertex of a layer has the
-- same degree; raw datasets 0..19 are hubs, each also read by 5,000 processing jobs.
-- Variables: :tenant (tenant id), :arn (ARN prefix "arn:aws:sagemaker:R:A"), :with_history.
\set ON_ERROR_STOP on
-- A bulk load of rows known to be consistent: no per-row triggers (audit
-- trail, search rows, foreign-key checks), as a restore would load them;
-- with -v with_history=1 the triggers run, so the history holds every row.
\if :{?with_history}
\else
set session_replication_role = replica;
\endif
begin;
create temp table layer (name text primary key, first_id bigint, n int);

-- new_layer(name, kind, type, count, arn word, source type): one insert of a
-- layer, then its id range, checked to be contiguous so edges can be computed.
create function pg_temp.new_layer(lname text, lkind int, ltype text, n int, word text, stype text, tenant int, prefix text)
returns void language plpgsql as $$
declare lo bigint; hi bigint;
begin
    insert into entity (tenant_id, kind, name, name_key, arn, vertex_type, source_uri, source_type,
                        created_at, modified_at)
    select tenant, lkind, lname || '-' || i, lname || '-' || i, prefix || ':' || word || '/' || lname || '-' || i,
           ltype, case when lkind = 4 then 's3://bench/' || lname || '/' || i end, stype,
           now() - (n - i) * interval '1 ms', now()
    from generate_series(0, n - 1) i;
    select min(id), max(id) into lo, hi from entity where tenant_id = tenant and name_key like lname || '-%';
    if hi - lo + 1 <> n then
        raise exception 'layer % ids are not contiguous', lname;
    end if;
    insert into layer values (lname, lo, n);
end $$;

select pg_temp.new_layer('raw', 4, 'DataSet', 100000, 'artifact', null, :tenant, :'arn');
select pg_temp.new_layer('proc', 3, null, 100000, 'experiment-trial-component', 'SageMakerProcessingJob', :tenant, :'arn');
select pg_temp.new_layer('feat', 4, 'DataSet', 200000, 'artifact', null, :tenant, :'arn');
select pg_temp.new_layer('image', 4, 'Image', 100, 'artifact', null, :tenant, :'arn');
select pg_temp.new_layer('train', 3, null, 200000, 'experiment-trial-component', 'SageMakerTrainingJob', :tenant, :'arn');
select pg_temp.new_layer('model', 4, 'Model', 200000, 'artifact', null, :tenant, :'arn');
select pg_temp.new_layer('deploy', 5, 'ModelDeployment', 100000, 'action', null, :tenant, :'arn');
select pg_temp.new_layer('endpoint', 6, 'Endpoint', 99900, 'context', null, :tenant, :'arn');

-- edges(from layer, i, to layer, j, type) with i, j layer-relative indexes.
create function pg_temp.link(src text, dst text, atype text, tenant int, pairs text)
returns void language plpgsql as $$
begin
    execute format(
        'insert into association (tenant_id, source_id, destination_id, association_type, created_at)
         select %s, s.first_id + p.i, d.first_id + p.j, %L, now()
         from (%s) p(i, j), layer s, layer d where s.name = %L and d.name = %L
         on conflict do nothing', tenant, atype, pairs, src, dst);
end $$;

-- Each processing job reads 4 raw datasets and one of the 20 hubs.
select pg_temp.link('raw', 'proc', 'ContributedTo', :tenant,
    'select (j * 13 + k * 25013) % 100000, j from generate_series(0, 99999) j, generate_series(0, 3) k
     union all select j % 20, j from generate_series(0, 99999) j');
-- Each processing job produces 2 feature sets.
select pg_temp.link('proc', 'feat', 'Produced', :tenant, 'select f / 2, f from generate_series(0, 199999) f');
-- Each training job reads 8 feature sets (each set feeds 8 jobs) and one image.
select pg_temp.link('feat', 'train', 'ContributedTo', :tenant,
    'select (t * 31 + k * 24989) % 200000, t from generate_series(0, 199999) t, generate_series(0, 7) k');
select pg_temp.link('image', 'train', 'ContributedTo', :tenant, 'select t % 100, t from generate_series(0, 199999) t');
-- One model per training job; each deployment ships 2 models to one endpoint.
select pg_temp.link('train', 'model', 'Produced', :tenant, 'select t, t from generate_series(0, 199999) t');
select pg_temp.link('model', 'deploy', 'ContributedTo', :tenant, 'select m, m / 2 from generate_series(0, 199999) m');
select pg_temp.link('deploy', 'endpoint', 'AssociatedWith', :tenant, 'select d, d % 99900 from generate_series(0, 99999) d');
commit;
vacuum analyze entity;
vacuum analyze association;
