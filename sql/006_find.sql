-- The explorer's find: prefix searches over names (case-insensitive; artifact
-- names are not unique, so they have no name_key), ARNs and source URIs within
-- a tenant. text_pattern_ops lets a prefix range use the index whatever the
-- database's collation.
create index entity_find_name_idx on entity (tenant_id, lower(name) text_pattern_ops) where name is not null;
create index entity_find_arn_idx on entity (tenant_id, arn text_pattern_ops);
create index entity_find_source_uri_idx on entity (tenant_id, source_uri text_pattern_ops)
    where source_uri is not null;
