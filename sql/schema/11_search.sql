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
grant execute on function public.current_user_id(), public.app_is_admin() to partnerships_search;

create function public.search_matches(p_relation text, p_pattern text, p_deleted boolean, p_everyone boolean,
                                       p_fewest_rows integer, p_most_matches integer,
                                       out ids text[], out few_rows boolean)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  -- Every row for an admin (the program says so; checked), a member's own.
  everyone boolean := p_everyone and public.app_is_admin();
  rows text;
  plan json;
begin
  -- Without a word of three characters the pattern has no trigram, and the
  -- index would be read whole; the trash is small: the rows are filtered.
  if p_pattern !~ '[[:alnum:]]{3}' or p_deleted then
    return;
  end if;
  -- The reader's rows, from the statistics (no plan): the table's rows,
  -- times the owner's share for a member (their frequency among the most
  -- common, else the average).  Fewer than p_fewest_rows: filtering them
  -- costs less than the index, whose cost grows with everyone's rows for a
  -- word of common trigrams (an e-mail address).  The program remembers
  -- the answer (few_rows) for a while, and asks with 0 for a reader it knows
  -- to have many (fcgi/entity.c).
  if p_fewest_rows > 0 then
    select greatest(c.reltuples, 0) * case when everyone then 1 else coalesce(
             (select f.freq from unnest(s.most_common_vals::text::text[], s.most_common_freqs) f(val, freq)
               where f.val = public.current_user_id()),
             1 / nullif(case when s.n_distinct < 0 then -s.n_distinct * c.reltuples else s.n_distinct end, 0), 0) end
             < p_fewest_rows
      into few_rows
      from pg_catalog.pg_class c
      left join pg_catalog.pg_stats s on s.schemaname = 'public' and s.tablename = c.relname and s.attname = 'owner_user_id'
     where c.oid = format('public.%I', p_relation)::regclass;
  end if;
  if few_rows then
    return;
  end if;
  -- The reader's live rows, as the owner's partial indexes are written (so
  -- that they can serve a common word).  More matches than p_most_matches
  -- expected: looking each up by id costs more than filtering.  (EXPLAIN
  -- makes the function volatile: it is called in a statement of its own.)
  rows := format('from public.%I t where t.deleted_at is null%s', p_relation,
                 case when everyone then '' else ' and t.owner_user_id = $2' end);
  execute 'explain (format json) select 1 ' || rows || ' and t.search_text like $1' into plan
    using p_pattern, public.current_user_id();
  if (plan #>> '{0,Plan,Plan Rows}')::double precision > p_most_matches then
    return;
  end if;
  execute 'select coalesce(array_agg(t.id), ''{}'') ' || rows || ' and t.search_text like $1' into ids
    using p_pattern, public.current_user_id();
end
$$;
comment on function public.search_matches(text, text, boolean, boolean, integer, integer) is
  'The ids of the reader''s live rows of a searchable table whose search text is like the pattern, found by the trigram index where that is cheaper; null when the list should filter the reader''s rows instead: PostgreSQL expects the reader to have fewer rows than p_fewest_rows (few_rows: true; false when they have more, null when not asked) or more than p_most_matches matches, the pattern has no trigram, or the trash is searched.  Runs as partnerships_search (034).';
grant execute on function public.search_matches(text, text, boolean, boolean, integer, integer) to partnerships_app;

-- Handed to the role it runs as (which may create in public only for this).
grant create on schema public to partnerships_search;
alter function public.search_matches(text, text, boolean, boolean, integer, integer) owner to partnerships_search;
revoke create on schema public from partnerships_search;
