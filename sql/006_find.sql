-- The explorer's find: prefix searches over names (case-insensitive), ARNs
-- and source URIs within a tenant. text_pattern_ops lets LIKE 'x%' use the
-- index whatever the database's collation.
create index entity_find_name_idx on entity (tenant_id, name_key text_pattern_ops) where name_key is not null;
create index entity_find_arn_idx on entity (tenant_id, arn text_pattern_ops);
create index entity_find_source_uri_idx on entity (tenant_id, source_uri text_pattern_ops)
    where source_uri is not null;
