-- The one-statement lineage walk (service/store_graph.c) reads only the two
-- ends of each association, its tenant (the row-level security key) and, for
-- IncludeEdges, its type: with them in the index it reads the index alone (an
-- index-only scan), not one table page per association, which is what a
-- hub's fan-out costs.
create index association_walk_down_idx on association (source_id, destination_id) include (tenant_id, association_type);
create index association_walk_up_idx on association (destination_id, source_id) include (tenant_id, association_type);
-- Trials are never vertices, yet an association may name one beside an
-- artifact, action or context: the walk leaves them out by probing this small
-- index rather than reading every far end's row.
create index entity_trial_idx on entity (id) include (tenant_id) where kind = 2;
