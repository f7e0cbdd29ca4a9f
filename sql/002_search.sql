-- Search over experiments, trials and trial components: trial component
-- parameters as typed rows so equality and range filters on any key use an
-- index, and an index for the default sort (LastModifiedTime).

-- One row per parameter of a trial component: num holds a NumberValue, txt a
-- StringValue. Kept in step with entity.details by a trigger, in the same
-- transaction as the write.
create table search_param (
    entity_id bigint not null references entity (id) on delete cascade,
    tenant_id integer not null,
    key       text not null,
    num       double precision,
    txt       text,
    constraint search_param_pkey primary key (entity_id, key)
);
create index search_param_num_idx on search_param (tenant_id, key, num) where num is not null;
create index search_param_txt_idx on search_param (tenant_id, key, txt) where txt is not null;

create function ld_search_param_sync() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if new.details->'Parameters' is not distinct from old.details->'Parameters' then
            return null;
        end if;
        delete from search_param where entity_id = new.id;
    end if;
    insert into search_param (entity_id, tenant_id, key, num, txt)
    select new.id, new.tenant_id, p.key,
           case when jsonb_typeof(p.value->'NumberValue') = 'number' then (p.value->>'NumberValue')::float8 end,
           p.value->>'StringValue'
    from jsonb_each(coalesce(new.details->'Parameters', '{}'::jsonb)) as p;
    return null;
end
$$;

create trigger entity_search_param after insert or update of details on entity
    for each row when (new.kind = 3) execute function ld_search_param_sync();

-- Search's default order is LastModifiedTime, newest first; keyset pages walk this index.
create index entity_modified_idx on entity (tenant_id, kind, modified_at, id);
