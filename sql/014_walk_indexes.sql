-- The lineage walk (service/store_graph.c) reads only the two ends of each
-- association, its tenant (the row-level security key) and, for IncludeEdges,
-- its type: with them in the indexes it reads the index alone (an index-only
-- scan), not one table page per association, which is what a hub's fan-out
-- costs. The per-end indexes that lists already keep carry them, so a write
-- pays for no extra index.
drop index association_source_created_idx;
create index association_source_created_idx on association (source_id, created_at)
    include (destination_id, tenant_id, association_type);
drop index association_destination_created_idx;
create index association_destination_created_idx on association (destination_id, created_at)
    include (source_id, tenant_id, association_type);
-- Trials are never vertices, yet an association may name one beside an
-- artifact, action or context: the walk leaves them out by probing this small
-- index rather than reading every far end's row.
create index entity_trial_idx on entity (id) include (tenant_id) where kind = 2;
