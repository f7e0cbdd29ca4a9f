-- Case-folded copies of name and source URI, so that case-insensitive lookups
-- index a plain column: under row-level security PostgreSQL applies a qual
-- that calls a function not marked leakproof, such as lower(), only after the
-- policy, so an index on lower(...) no longer serves the service's queries.
alter table entity
    add column name_fold text generated always as (lower(name)) stored,
    add column source_uri_fold text generated always as (lower(source_uri)) stored;

drop index entity_find_name_idx;
create index entity_find_name_idx on entity (tenant_id, name_fold text_pattern_ops) where name_fold is not null;

drop index entity_source_arn_ci_idx;
create index entity_source_arn_ci_idx on entity (tenant_id, kind, source_uri_fold) where kind = 3;
