-- What every write runs is planned once per session (sql/015): the
-- functions a write's triggers call are PL/pgSQL, whose statements are
-- prepared once per session (a SQL function with a SET clause is planned at
-- every call), and a record's id is one expression inlined into the INSERT,
-- still 21 characters of A-Za-z0-9_- and never the same twice.
\set ON_ERROR_STOP 1
begin;
select plan(6);

select is((select array_agg(p.proname::text || ' ' || l.lanname order by p.proname)
             from pg_proc p join pg_language l on l.oid = p.prolang
            where p.oid in ('public.partner_figures_apply'::regproc, 'public.partner_totals_add'::regproc,
                            'public.partner_review_totals_add'::regproc)),
          array['partner_figures_apply plpgsql', 'partner_review_totals_add plpgsql', 'partner_totals_add plpgsql'],
          'the functions a write''s triggers call are PL/pgSQL');

-- Inlined: the plan shows the expression, not a call of nanoid().
create function pg_temp.plan_of(statement text) returns text language plpgsql as $$
declare line text; plan text := '';
begin
  for line in execute 'explain (verbose, costs off) ' || statement loop
    plan := plan || line || E'\n';
  end loop;
  return plan;
end $$;
select ok(pg_temp.plan_of('select public.nanoid()') ~ 'translate\(' and pg_temp.plan_of('select public.nanoid()') !~ 'nanoid\(',
          'nanoid() is inlined into the statement that calls it');

create temporary table ids as select public.nanoid() as id from generate_series(1, 20000);
select is((select count(*)::int from ids where id ~ '^[A-Za-z0-9_-]{21}$'), 20000,
          'every id is 21 characters of A-Za-z0-9_-');
select is((select count(distinct id)::int from ids), 20000, '20,000 ids, all different');
-- Every character of the alphabet appears in every position (126 random
-- bits: 6 in each of the 21 characters).
select is((select count(distinct (n, substr(id, n, 1)))::int from ids, generate_series(1, 21) n), 21 * 64,
          'all 64 characters occur in each of the 21 positions');
select ok((select max(c) < 2 * min(c) from (select count(*) c from ids, generate_series(1, 21) n
                                            group by n, substr(id, n, 1)) s),
          'no character is twice as frequent as another in any position');

select * from finish();
rollback;
