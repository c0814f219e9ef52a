-- The time of search_matches() itself, per call, in one session after it
-- has warmed up: 200 calls a word, as one reader, on the bench company
-- (tests/bench/seed.sql).  Not part of make bench; run against a seeded
-- database, as its superuser:
--   psql -h RUN_DIR -U postgres -d partnerships -v reader=USER_ID -v everyone=false -f tests/bench/search_calls.sql
-- everyone=true for an admin.  Each line: the word, its matches, the
-- microseconds a call took.
\set ON_ERROR_STOP 1
begin;
set local role partnerships_app;
select set_config('partnerships.user_id', :'reader', true) \g /dev/null
select set_config('bench.everyone', :'everyone', true) \g /dev/null
do $$
declare
  started timestamptz;
  found text[];
  word text;
begin
  foreach word in array array['quokka', '12340', 'quokkaland', 'wallaby zyxwv', 'company 12340',
                              'contact10@company10.example', 'consulting'] loop
    for warm in 1 .. 20 loop
      found := (public.search_matches('partners', '%' || word || '%', false, current_setting('bench.everyone')::boolean, 0, 1000)).ids;
    end loop;
    started := clock_timestamp();
    for n in 1 .. 200 loop
      found := (public.search_matches('partners', '%' || word || '%', false, current_setting('bench.everyone')::boolean, 0, 1000)).ids;
    end loop;
    raise notice '% % matches % µs', rpad(word, 28), lpad(coalesce(cardinality(found)::text, 'filter'), 6),
      round(extract(epoch from clock_timestamp() - started) * 1e6 / 200);
  end loop;
end
$$;
rollback;
