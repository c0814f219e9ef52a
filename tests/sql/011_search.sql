-- A search's matches come from the trigram indexes (sql/034, 037): the function
-- that finds them sees exactly the rows the row policies let the reader
-- see, in every searchable table (the trash it leaves to filtering); the role it runs as
-- is good for nothing else; and the reason it exists holds: under the row
-- policies LIKE cannot use the index, as that role it can.
\set ON_ERROR_STOP 1
begin;
insert into public.users (id, email, name, role) values
  ('s_ann', 'ann@search.test', 'Ann', 'member'),
  ('s_bob', 'bob@search.test', 'Bob', 'member'),
  ('s_root', 'root@search.test', 'Root', 'admin');
insert into public.partners (id, company, contact_name, contact_email, type, owner_user_id, notes) values
  ('sannpartner0000000001', 'Zyxwv Widgets', 'A', 'a@ann.test', 'referral', 's_ann', 'mentions quokka'),
  ('sannpartner0000000002', 'Ann Other', 'A', 'a2@ann.test', 'referral', 's_ann', null),
  ('sbobpartner0000000001', 'Zyxwv Gadgets', 'B', 'b@bob.test', 'integration', 's_bob', 'quokka too');
update public.partners set deleted_at = now() where id = 'sannpartner0000000002';
select set_config('partnerships.user_id', 's_ann', true) \g /dev/null
insert into public.referrals (partner_id, direction, lead_name) values ('sannpartner0000000001', 'inbound', 'Quokka Lead');
select set_config('partnerships.user_id', 's_bob', true) \g /dev/null
insert into public.referrals (partner_id, direction, lead_name) values ('sbobpartner0000000001', 'inbound', 'Quokka Lead');

\ir lib/helpers.psql

-- What the row policies show the acting user of each searchable table's
-- rows like the pattern, beside what search_matches() finds.
create function pg_temp.agree(pattern text, deleted boolean) returns text language plpgsql as $$
declare r record; policy text[]; found text[]; out text := '';
begin
  for r in select c.relation from public.api_collections c join pg_class k on k.oid = to_regclass('public.' || c.relation)
            where c.owner_scoped and k.relkind = 'r'
              and exists (select from pg_attribute a where a.attrelid = k.oid and a.attname = 'search_text') loop
    execute format('select coalesce(array_agg(id order by id), ''{}'') from public.%I where search_text like $1 and (deleted_at is not null) = $2',
                   r.relation) into policy using pattern, deleted;
    select coalesce(array_agg(x order by x), '{}') into found from unnest((public.search_matches(r.relation, pattern, deleted, true, 0, 1000000)).ids) x;
    if policy is distinct from found or found is null then
      out := out || r.relation || ': policies ' || policy::text || ', search_matches ' || found::text || '; ';
    end if;
  end loop;
  return out;
end $$;
grant execute on function pg_temp.agree(text, boolean) to partnerships_app;

select plan(24);

select ok((select rolbypassrls and not rolcanlogin and not rolsuper and not rolcreaterole
             from pg_roles where rolname = 'partnerships_search'),
          'partnerships_search cannot sign in, is no superuser, and only row-level security does not apply to it');
select is((select array_agg(p.oid::regprocedure::text) from pg_proc p join pg_roles r on r.oid = p.proowner
            where r.rolname = 'partnerships_search'), array['search_matches(text,text,boolean,boolean,integer,integer)'],
          'it owns search_matches() and no other function');
select is((select count(*)::int from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'partnerships_search'), 0,
          'and no table');
select is((select count(*)::int from information_schema.column_privileges
            where grantee = 'partnerships_search' and column_name not in ('id', 'owner_user_id', 'deleted_at', 'search_text')), 0,
          'of the records it may read only the id, owner, deletion and search text');
select ok(not pg_has_role('partnerships_app', 'partnerships_search', 'MEMBER')
          and not pg_has_role('partnerships_portal', 'partnerships_search', 'MEMBER'),
          'the program''s roles are not members of it');

set local role partnerships_app;
select set_config('partnerships.user_id', 's_ann', true) \g /dev/null
select is(pg_temp.agree('%quokka%', false) || pg_temp.agree('%zyxwv%', false) || pg_temp.agree('%@%.test%', false), '',
          'a member: in every searchable table the live rows found are those the row policies show');
select is((public.search_matches('partners', '%ann other%', true, false, 0, 1000)).ids, null,
          'the trash is filtered (null): it is small');
select is((public.search_matches('partners', '%zyxwv%', false, false, 0, 1000)).ids, array['sannpartner0000000001'],
          'a member finds only their own partner, not another member''s with the same word');
select is((public.search_matches('partners', '%zyxwv%', false, true, 0, 1000)).ids, array['sannpartner0000000001'],
          'and only that when the program says the reader is an admin: the function checks');
select set_config('partnerships.user_id', 's_root', true) \g /dev/null
select is(pg_temp.agree('%quokka%', false) || pg_temp.agree('%zyxwv%', false) || pg_temp.agree('%test%', false), '',
          'an admin: every row, as the row policies show it');
select set_config('partnerships.user_id', '', true) \g /dev/null
select is((public.search_matches('partners', '%quokka%', false, true, 0, 1000)).ids, '{}'::text[], 'no acting user: nothing');
select set_config('partnerships.user_id', 's_ann', true) \g /dev/null
select is((public.search_matches('partners', '%xq%', false, false, 0, 1000)).ids, null,
          'a pattern without a word of three characters has no trigram: null, the list filters the reader''s rows');
select is((public.search_matches('partners', '%zyxwv%', false, false, 0, 0)).ids, null,
          'more matches expected than asked for: null, the list filters the reader''s rows');
select is(public.search_matches('partners', '%zyxwv%', false, false, 1000000, 1000), row(null::text[], true),
          'a reader of fewer rows than asked for: null, and they are said to be few (the program remembers)');
select throws_ok($$select public.search_matches('views', '%abc%', false, false, 0, 1000)$$, '42501', null,
                 'no other table (saved views, for one) can be read through it');
reset role;

-- A long text (037) is looked up by its windows of four characters that
-- PostgreSQL's sample of the column does not hold, and the rows found are
-- checked for the whole text.  Partners added after the sample was taken
-- hold such windows.
analyze public.partners;
insert into public.partners (id, company, contact_name, contact_email, type, owner_user_id) values
  ('sannpartner0000000003', 'Wombat Works', 'A', 'quokka_wallaby@wombat.test', 'referral', 's_ann'),
  ('sbobpartner0000000002', 'Wombat Works', 'B', 'quokka_wallaby@wombat.test', 'referral', 's_bob');
set local role partnerships_search;
select ok((select count(*) between 1 and 2 and bool_and(w ~ '^%[^%_\\]{4}%$' and strpos('quokka_wallaby@wombat', substr(w, 2, 4)) > 0)
             from unnest(public.search_windows('partners', 'quokka_wallaby@wombat')) w),
          'a long text the sample does not hold: one or two of its windows of four characters, none with a LIKE metacharacter');
select is(public.search_windows('partners', 'zyxwv widgets'), null,
          'a text whose every window the sample holds: null (the whole text is asked for)');
select is(public.search_windows('partners', 'wombatw'), null, 'a text under eight characters: null');
reset role;
set local role partnerships_app;
select set_config('partnerships.user_id', 's_ann', true) \g /dev/null
select is((public.search_matches('partners', '%quokka\_wallaby@wombat%', false, false, 0, 1000)).ids, array['sannpartner0000000003'],
          'a member finds their own row by its windows, not another member''s');
select is(pg_temp.agree('%quokka\_wallaby@wombat%', false) || pg_temp.agree('%quokkaxwallaby@wombat%', false)
          || pg_temp.agree('%zyxwv widgets%', false), '',
          'a member: long texts find the rows the row policies show (an escaped _ is that character, not any)');
select set_config('partnerships.user_id', 's_root', true) \g /dev/null
select is(pg_temp.agree('%quokka\_wallaby@wombat%', false) || pg_temp.agree('%wallaby@wombat.test%', false), '',
          'an admin: every row, as the row policies show it');
select throws_ok($$select public.search_windows('partners', 'quokka_wallaby')$$, '42501', null,
                 'the program cannot read the sample through search_windows()');
reset role;

-- Why: as the application role the trigram index cannot serve LIKE even
-- when nothing else may (the row policies come first, and LIKE is not
-- leakproof); as partnerships_search it does.
set local enable_seqscan = off;
set local enable_indexscan = off;
set local role partnerships_app;
select set_config('partnerships.user_id', 's_ann', true) \g /dev/null
select ok(pg_temp.plan_of($$select id from public.partners where search_text like '%quokka%'$$) !~ 'partners_search_idx',
          'as the application role, LIKE under the row policies is not answered from the trigram index, whatever else is off');
reset role;
set local role partnerships_search;
select ok(pg_temp.plan_of($$select id from public.partners where search_text like '%quokka%'$$) ~ 'partners_search_idx',
          'as partnerships_search, LIKE is answered from the trigram index');
reset role;

select * from finish();
rollback;
