-- 11: search (034).  A search's matches are found by search_matches(),
-- from the trigram index of each searchable table: under row-level security
-- LIKE cannot use an index (it is not leakproof), so the function runs as
-- partnerships_search, a role without login that row-level security does
-- not apply to, which may read only the id, owner, deletion and search text
-- of these tables, and applies the reader's visibility itself (their own
-- rows, or every row for an admin, as the *_owner policies say).  The role
-- is made by a superuser, with the owner as a member so that it can hand
-- the function over (deploy/stack.sh).

create extension if not exists pg_trgm with schema public;

create index partners_search_idx on public.partners using gin (search_text public.gin_trgm_ops);
create index campaigns_search_idx on public.campaigns using gin (search_text public.gin_trgm_ops);
create index referrals_search_idx on public.referrals using gin (search_text public.gin_trgm_ops);
create index integrations_search_idx on public.integrations using gin (search_text public.gin_trgm_ops);
create index integration_ideas_search_idx on public.integration_ideas using gin (search_text public.gin_trgm_ops);
create index shared_customers_search_idx on public.shared_customers using gin (search_text public.gin_trgm_ops);
create index checklists_search_idx on public.checklists using gin (search_text public.gin_trgm_ops);

grant usage on schema public to partnerships_search;
grant select (id, owner_user_id, deleted_at, search_text) on public.partners, public.campaigns, public.referrals,
  public.integrations, public.integration_ideas, public.shared_customers, public.checklists to partnerships_search;
grant select (relation, owner_scoped) on public.api_collections to partnerships_search;
grant execute on function public.current_user_id(), public.app_is_admin() to partnerships_search;

create function public.search_matches(p_relation text, p_pattern text, p_deleted boolean) returns text[]
language plpgsql stable security definer set search_path = ''
as $$
declare
  ids text[];
begin
  if not exists (select from public.api_collections c
                  join pg_catalog.pg_class r on r.oid = to_regclass(format('public.%I', c.relation))
                 where c.relation = p_relation and c.owner_scoped and r.relkind = 'r') then
    raise exception 'search_matches: % is no table of an owner''s records', p_relation using errcode = '22023';
  end if;
  -- The conditions as the owner's partial indexes are written, so that
  -- they can serve a common word.
  execute format('select array_agg(t.id) from public.%I t where t.search_text like $1 and t.deleted_at is %s%s',
                 p_relation, case when p_deleted then 'not null' else 'null' end,
                 case when public.app_is_admin() then '' else ' and t.owner_user_id = $2' end)
     into ids using p_pattern, public.current_user_id();
  return coalesce(ids, '{}');
end
$$;
comment on function public.search_matches(text, text, boolean) is
  'The ids of the reader''s live (or deleted) rows of a searchable table whose search text is like the pattern, found by the trigram index where that is cheaper; runs as partnerships_search (034).';
grant execute on function public.search_matches(text, text, boolean) to partnerships_app;

-- Handed to the role it runs as (which may create in public only for this).
grant create on schema public to partnerships_search;
alter function public.search_matches(text, text, boolean) owner to partnerships_search;
revoke create on schema public from partnerships_search;
