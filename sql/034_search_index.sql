-- 034: a search finds its rows from a trigram index.
--
-- A search is `search_text like '%word%'`.  Under row-level security
-- PostgreSQL may use an index for a condition only if the condition is
-- leakproof (it could otherwise show a row the policies hide through an
-- error), and LIKE is not: 011 found the trigram indexes of 002 unused, and
-- since 013 a search has read every row the reader sees, so a rare word
-- cost as much as a common one (a member with 2,000 partners: 5-13 ms).
--
-- search_matches() finds the ids instead.  It runs as partnerships_search, a
-- role without login that row-level security does not apply to (BYPASSRLS,
-- an attribute no member inherits), may read only the id, owner, deletion
-- and search text of the searchable tables, and is nothing but the owner of
-- this function.  The function applies the reader's visibility itself
-- (their own rows, or every row for an admin: the rule of the tables'
-- *_owner policies; tests/sql/011 checks the two agree), and the list that
-- asks for the ids reads their rows under the row policies again.  Its
-- statement is planned for each search with the pattern and the reader
-- known, so PostgreSQL chooses by its estimate of the matches: the trigram
-- index for a rare word, the reader's own rows by the owner's index for a
-- common one or a pattern too short to have trigrams.
--
-- The role is made by a superuser (deploy/stack.sh, README "Deployment");
-- the owner is a member only so that it can hand this function over.

do $$
begin
  if not exists (select from pg_roles where rolname = 'partnerships_search' and rolbypassrls and not rolcanlogin)
     or not pg_has_role('partnerships_owner', 'partnerships_search', 'MEMBER') then
    raise exception 'search needs the role partnerships_search.  As a superuser run: '
      'create role partnerships_search nologin bypassrls; grant partnerships_search to partnerships_owner;  then migrate again';
  end if;
end
$$;

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
