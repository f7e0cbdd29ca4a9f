-- Backward walks and lookups by destination read association_destination_created_idx,
-- which leads with the same column; the reverse index only cost every insert a write.
drop index if exists association_reverse_idx;
