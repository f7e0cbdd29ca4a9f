-- History kept one index entry per row: each row's second and third indexes
-- (by the other end of an association or membership, and the ARN of a
-- removal) were paid, or their predicate tested, inside every create.
-- Removals are listed apart instead, written only by deletes: what a reader
-- finds through the other end is a row whose first end is a live
-- association's or membership's, or one this table lists, and the ids an
-- ARN had are the live entity's and those of its removals here.
create table history_removal (
    tenant_id integer not null,
    subject   smallint not null, -- as history's: 1 entity, 2 association, 4 membership
    entity_id bigint not null,
    other_id  bigint,
    arn       text
);
create index history_removal_arn_idx on history_removal (tenant_id, arn) where arn is not null;
create index history_removal_other_idx on history_removal (other_id, entity_id) where other_id is not null;

insert into history_removal
    select tenant_id, subject, entity_id, other_id, arn from history
    where (subject = 1 and (after_entity).id is null) or (subject = 2 and (after_association).source_id is null)
        or (subject = 4 and after is null);

alter table history_removal enable row level security;
create policy history_removal_tenant on history_removal to lineaged_service using (tenant_id = ld_tenant());
revoke insert, update, delete on history_removal from lineaged_service;
create trigger history_removal_append_only before update or delete or truncate on history_removal
    for each statement execute function ld_history_append_only();

create function ld_history_removal() returns trigger language plpgsql security definer as $$
begin
    if tg_table_name = 'entity' then
        insert into public.history_removal values (old.tenant_id, 1, old.id, null, old.arn);
    elsif tg_table_name = 'association' then
        insert into public.history_removal values (old.tenant_id, 2, old.source_id, old.destination_id, null);
    else
        insert into public.history_removal
            values (public.ld_history_tenant(old.trial_id), 4, old.trial_id, old.component_id, null);
    end if;
    return null;
end
$$;
revoke execute on function ld_history_removal() from public;

create trigger entity_removal after delete on entity for each row execute function ld_history_removal();
create trigger association_removal after delete on association for each row execute function ld_history_removal();
create trigger trial_membership_removal after delete on trial_membership
    for each row execute function ld_history_removal();

drop index history_other_idx;
drop index history_deleted_arn_idx;
