-- Cheaper history rows, as one is written inside every change.
-- Only the trigger writes history, with a fixed subject per branch; the check
-- cost every history insert a parse of its expression.
alter table history drop constraint history_subject_check;
-- An ARN names the live entity, or one of those a deletion row names: only
-- deletion rows need their ARN indexed (the index was paid on every entity
-- change before).
drop index history_arn_idx;
create index history_deleted_arn_idx on history (tenant_id, arn, at, id) where arn is not null and after is null;
