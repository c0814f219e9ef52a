-- What every write runs is planned once per session (sql/015): the
-- functions a write's triggers call are PL/pgSQL, whose statements are
-- prepared once per session (a SQL function with a SET clause is planned at
-- every call), and a record's id is one expression inlined into the INSERT,
-- still 21 characters of A-Za-z0-9_- and never the same twice.  A change
-- of a partner's figures alone does not run the oplog's trigger at all; an
-- edit, a delete and a restore do, as before.
\set ON_ERROR_STOP 1
begin;
\ir lib/helpers.psql
select plan(11);

select is((select array_agg(p.proname::text || ' ' || l.lanname order by p.proname)
             from pg_proc p join pg_language l on l.oid = p.prolang
            where p.oid in ('public.partner_figures_apply'::regproc, 'public.partner_totals_add'::regproc,
                            'public.partner_review_totals_add'::regproc)),
          array['partner_figures_apply plpgsql', 'partner_review_totals_add plpgsql', 'partner_totals_add plpgsql'],
          'the functions a write''s triggers call are PL/pgSQL');
select is((select array_agg(p.proname::text || ' ' || l.lanname order by p.proname)
             from pg_proc p join pg_language l on l.oid = p.prolang
            where p.oid in ('public.app_is_admin'::regproc, 'public.app_partner_id'::regproc)),
          array['app_is_admin plpgsql', 'app_partner_id plpgsql'],
          'the acting user''s role and partner, which the row policies ask, are PL/pgSQL: planned once per session (035)');

-- Inlined: the plan shows the expression, not a call of nanoid().
select ok(pg_temp.plan_of('select public.nanoid()', true) ~ 'translate\('
          and pg_temp.plan_of('select public.nanoid()', true) !~ 'nanoid\(',
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

insert into public.users (id, email, name, role) values ('wp_dana', 'dana@wp.test', 'Dana', 'member');
set local role partnerships_app;
select set_config('partnerships.user_id', 'wp_dana', true) \g /dev/null
insert into public.partners (company, contact_name, contact_email, type)
values ('Dana Co', 'D', 'd@wp.test', 'referral') returning id as dana_partner \gset
insert into public.referrals (partner_id, direction, lead_name) values (:'dana_partner', 'inbound', 'Lead');
insert into public.referrals (partner_id, direction, lead_name) values (:'dana_partner', 'outbound', 'Lead');
select is((select array[referrals_made, referrals_received, version] from public.partners where id = :'dana_partner'),
          array[1, 1, 1], 'two referrals count on their partner, whose version stays');
select is((select array_agg(entity || ' ' || op order by seq) from public.oplog where partner_id = :'dana_partner'),
          array['partners insert', 'referrals insert', 'referrals insert'],
          'and the oplog has the referrals, nothing for the figures');
update public.partners set notes = 'edited' where id = :'dana_partner';
update public.partners set deleted_at = now() where id = :'dana_partner';
update public.partners set deleted_at = null where id = :'dana_partner';
select is((select array_agg(op order by seq) from public.oplog where entity = 'partners' and record_id = :'dana_partner'),
          array['insert', 'update', 'delete', 'restore'], 'an edit, a delete and a restore are logged');
reset role;
select ok((select pg_get_triggerdef(oid) ~ 'AFTER UPDATE .* WHEN \(\(old\.version <> new\.version\)\)'
             from pg_trigger where tgrelid = 'public.partners'::regclass and tgname = 'partners_oplog_update'),
          'the oplog trigger of a partner update fires only when its version moved');

select * from finish();
rollback;
