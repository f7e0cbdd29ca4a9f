-- Search: the indexes a filter's id set is read from carry the record id, so
-- a parameter or tag condition is answered from the index alone (an
-- index-only scan) rather than one table page per matching row.
drop index search_param_num_idx;
create index search_param_num_idx on search_param (tenant_id, key, num) include (entity_id) where num is not null;
drop index search_param_txt_idx;
create index search_param_txt_idx on search_param (tenant_id, key, txt) include (entity_id) where txt is not null;
drop index tag_key_value_idx;
create index tag_key_value_idx on tag (key, value) include (entity_id);
