-- 11: search (034, 037).  A search's matches are found by search_matches(),
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

-- The one or two LIKE patterns a search of the text p_text (lower-case, as
-- the search text is) asks the trigram index of p_relation with, when
-- asking with the whole text could cost more; null when not.  The index's
-- cost is in its most common trigrams: each one's entries are stepped
-- through, so that a text of common trigrams costs by everyone's rows (an
-- e-mail address at SCALE=10: 18 ms for one match).  A text of eight
-- characters or more is asked for by its windows of four characters that
-- PostgreSQL's sample of the column (its most common values and histogram,
-- as text) does not hold: the first whose two trigrams it does not hold
-- either, else the one with fewest of them there and a second apart from
-- it.  Null when the sample holds every window (the whole text is then
-- asked for, if PostgreSQL expects few matches: a rare text of common
-- windows), for a shorter text, and for a table without statistics; a text
-- none of the sample holds is one PostgreSQL too expects few matches of.
-- The caller checks the rows found for the whole text.  Runs as the caller
-- (search_matches(): the statistics of a table under row-level security
-- are shown only to a role the policies do not apply to).
create function public.search_windows(p_relation text, p_text text) returns text[]
language plpgsql stable set search_path = '' set plan_cache_mode = force_generic_plan
as $$
declare
  sample text;
  cost integer[];   -- at the start of each window the sample does not hold: how many of its trigrams it does
  first integer;
  second integer;
  w text;
begin
  if length(p_text) < 8 then
    return null;
  end if;
  select coalesce(s.most_common_vals::text, '') || s.histogram_bounds::text into sample
    from pg_catalog.pg_stats s
   where s.schemaname = 'public' and s.tablename = p_relation and s.attname = 'search_text';
  if sample is null then
    return null;
  end if;
  for at in 1 .. length(p_text) - 3 loop
    w := substr(p_text, at, 4);
    if w !~ '[%_\\]' and strpos(sample, w) = 0 then
      cost[at] := (strpos(sample, left(w, 3)) > 0)::integer + (strpos(sample, right(w, 3)) > 0)::integer;
      if first is null or cost[at] < cost[first] then
        first := at;
      end if;
      exit when cost[at] = 0;   -- neither trigram in the sample: rare enough alone
    end if;
  end loop;
  if first is null then
    return null;
  end if;
  for at in 1 .. length(p_text) - 3 loop
    exit when cost[first] = 0;
    if cost[at] is not null and abs(at - first) >= 4 and (second is null or cost[at] < cost[second]) then
      second := at;
    end if;
  end loop;
  return array_remove(array['%' || substr(p_text, first, 4) || '%', '%' || substr(p_text, second, 4) || '%'], null);
end
$$;
comment on function public.search_windows(text, text) is
  'The one or two four-character windows of a searched text (eight characters or more) that PostgreSQL''s sample of the table''s search text does not hold, the one or two with fewest of their trigrams in the sample, as LIKE patterns; null when there is none (037).';
revoke execute on function public.search_windows(text, text) from public;
grant execute on function public.search_windows(text, text) to partnerships_search;

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
  words text;     -- the text searched, unescaped, when p_pattern is '%text%'
  probe text[];   -- the patterns the index is asked with (search_windows)
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
  -- that they can serve a common word).
  rows := format('from public.%I t where t.deleted_at is null%s', p_relation,
                 case when everyone then '' else ' and t.owner_user_id = $2' end);
  -- A long text is looked up by its rare windows, where it has some
  -- (search_windows()), and the rows found are checked for the whole text
  -- (strpos: a condition the index is not asked with).
  if p_pattern ~ '^%([^%_\\]|\\.)*%$' then
    words := regexp_replace(substr(p_pattern, 2, length(p_pattern) - 2), '\\(.)', '\1', 'g');
    probe := public.search_windows(p_relation, words);
  end if;
  if probe is not null then
    execute 'select coalesce(array_agg(t.id), ''{}'') ' || rows || ' and strpos(t.search_text, $3) > 0'
            || (select string_agg(format(' and t.search_text like $4[%s]', n), '') from generate_subscripts(probe, 1) n)
      into ids using p_pattern, public.current_user_id(), words, probe;
    return;
  end if;
  -- More matches than p_most_matches expected: looking each up by id costs
  -- more than filtering.  (EXPLAIN makes the function volatile: it is
  -- called in a statement of its own.)
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
  'The ids of the reader''s live rows of a searchable table whose search text is like the pattern, found by the trigram index where that is cheaper (asked for a long text''s rarest windows: search_windows()); null when the list should filter the reader''s rows instead: PostgreSQL expects the reader to have fewer rows than p_fewest_rows (few_rows: true; false when they have more, null when not asked) or more than p_most_matches matches, the pattern has no trigram, or the trash is searched.  Runs as partnerships_search (034).';
grant execute on function public.search_matches(text, text, boolean, boolean, integer, integer) to partnerships_app;

-- Handed to the role it runs as (which may create in public only for this).
grant create on schema public to partnerships_search;
alter function public.search_matches(text, text, boolean, boolean, integer, integer) owner to partnerships_search;
revoke create on schema public from partnerships_search;
