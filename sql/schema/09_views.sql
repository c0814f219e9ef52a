-- 09: saved views: a collection's list query and columns, private or shared.

-- A private view exists only for its owner (admins included: a 404 to anyone
-- else); a shared one is read by all and changed or deleted by its owner or
-- an admin (anyone else: 403).  The query is checked by the program exactly
-- as the list checks it (fcgi/views.c); the columns here.

create type public.view_kind as enum ('table', 'board');

create table public.views (
    id text default public.nanoid() not null,
    owner_user_id text default public.current_user_id() not null,
    name text COLLATE public.natural_order not null,
    collection text not null,
    kind public.view_kind default 'table' not null,
    query text default '' not null,
    columns jsonb default '[]' not null,
    shared boolean default false not null,
    created_at timestamp with time zone default now() not null,
    updated_at timestamp with time zone default now() not null,
    version integer default 1 not null,
    deleted_at timestamp with time zone,
    search_text text generated always as (lower(name)) stored,
    constraint views_pkey primary key (id),
    constraint views_id_check check (id ~ '^[A-Za-z0-9_-]{21}$'),
    constraint views_name_check check (public.text_ok(name, 100)),
    constraint views_query_check check (length(query) <= 2000 and query !~ '[[:cntrl:]]'),
    constraint views_columns_check check (jsonb_typeof(columns) = 'array' and jsonb_array_length(columns) <= 100),
    constraint views_version_check check (version >= 1),
    constraint views_owner_user_id_fkey foreign key (owner_user_id) references public.users(id),
    constraint views_collection_fkey foreign key (collection) references public.api_collections(name)
);
alter table public.views enable row level security;
alter table public.views force row level security;

create index views_collection_idx on public.views (collection, name, id) where deleted_at is null;

comment on table public.views is 'Saved views: a collection''s list query and columns, private or shared.';
comment on column public.views.query is 'The list''s query string without limit and offset, e.g. status=active&sort=-revenueAttributed.';
comment on column public.views.columns is 'The collection''s field names, in display order (empty: the page''s own).';
comment on column public.views.shared is 'true: every user sees it; false: only its owner.';
comment on constraint views_name_check on public.views is 'must be 1 to 100 characters';
comment on constraint views_query_check on public.views is 'must be at most 2000 characters, without control characters';
comment on constraint views_columns_check on public.views is 'must be a list of at most 100 field names';
comment on constraint views_collection_fkey on public.views is 'must be one of the collections';

grant select on public.views to partnerships_app;
grant insert (name, collection, kind, query, columns, shared), update (name, collection, kind, query, columns, shared)
  on public.views to partnerships_app;
grant update (deleted_at) on public.views to partnerships_app;

-- BEFORE INSERT OR UPDATE: a board only where the collection has one; the
-- columns are fields of the collection; a shared view is changed by its
-- owner or an admin only (the row policy lets everyone see it).
create function public.views_guard() returns trigger
language plpgsql
as $$
declare
  unknown text;
begin
  if tg_op = 'UPDATE' and old.owner_user_id <> public.current_user_id() and not public.app_is_admin() then
    raise exception 'only its owner or an admin may change a shared view' using errcode = '42501';
  end if;
  if not exists (select 1 from public.api_collections c where c.name = new.collection) then
    raise exception 'must be one of the collections' using errcode = 'PT422', column = 'collection';
  end if;
  if new.kind = 'board' and not exists (select 1 from public.api_collections c
                                         where c.name = new.collection and c.board_sum is not null) then
    raise exception 'must be table: % has no board', new.collection using errcode = 'PT422', column = 'kind';
  end if;
  select e.value into unknown
    from jsonb_array_elements(new.columns) e
   where jsonb_typeof(e.value) <> 'string'
      or not exists (select 1 from public.api_fields f where f.collection = new.collection and f.name = e.value #>> '{}')
   limit 1;
  if found then
    raise exception 'must name fields of %: % is not one', new.collection, unknown using errcode = 'PT422', column = 'columns';
  end if;
  return new;
end
$$;

create trigger views_guard before insert or update on public.views for each row execute function public.views_guard();
create trigger views_touch before update on public.views for each row execute function public.row_touch('search_text');
create trigger views_oplog after insert or update on public.views for each row
  execute function public.oplog_write('views', '', 'search_text');

create policy views_read on public.views for select
  using (owner_user_id = (select public.current_user_id()) or shared);
create policy views_insert on public.views for insert
  with check (owner_user_id = (select public.current_user_id()));
create policy views_update on public.views for update
  using (owner_user_id = (select public.current_user_id()) or shared)
  with check (owner_user_id = (select public.current_user_id()) or (shared and (select public.app_is_admin())));

create policy oplog_view on public.oplog for select
  using (entity = 'views' and exists (select 1 from public.views v where v.id = oplog.record_id));

insert into public.api_collections (name, position, relation, default_sort, owner_scoped) values
  ('views', 9, 'views', 'name', false);
insert into public.api_fields (collection, position, name, kind, sortable, filterable) values
  ('views', 1, 'id', null, true, false),
  ('views', 2, 'name', null, true, false),
  ('views', 3, 'collection', 'text', true, true),
  ('views', 4, 'kind', null, true, true),
  ('views', 5, 'query', null, false, false),
  ('views', 6, 'columns', 'strings', false, false),
  ('views', 7, 'shared', null, true, true),
  ('views', 8, 'ownerUserId', null, true, true),
  ('views', 9, 'createdAt', null, true, false),
  ('views', 10, 'updatedAt', null, true, false),
  ('views', 11, 'version', null, false, false),
  ('views', 12, 'deletedAt', null, true, false);
