-- The pieces that keep a partner's writes and its records' writes apart
-- (sql/018), one transaction at a time (tests/api/races.test.mjs and
-- tests/faults/last_admin_race.test.mjs race them, and show the row locks
-- at work): a figures' update that finds no partner raises; a demotion of an admin takes the advisory lock before it
-- counts; a record's oplog rows follow it to another partner or to none,
-- and are read by its owner only.
\set ON_ERROR_STOP 1
begin;
select plan(7);

insert into public.users (id, email, name, role) values
  ('pr_ann', 'ann@pr.test', 'Ann', 'member'), ('pr_bob', 'bob@pr.test', 'Bob', 'member'),
  ('pr_adm1', 'adm1@pr.test', 'Adm1', 'admin'), ('pr_adm2', 'adm2@pr.test', 'Adm2', 'admin');
set local role partnerships_app;
select set_config('partnerships.user_id', 'pr_ann', true) \g /dev/null
insert into public.partners (company, contact_name, contact_email, type)
values ('Ann One', 'A', 'a@pr.test', 'integration') returning id as p1 \gset
insert into public.partners (company, contact_name, contact_email, type)
values ('Ann Two', 'A', 'a@pr.test', 'integration') returning id as p2 \gset
insert into public.integration_ideas (partner_id, description, notes) values (:'p1', 'Secret idea', 'secret notes')
returning id as idea \gset
update public.integration_ideas set partner_id = null where id = :'idea';
select is((select array_agg(coalesce(partner_id, 'none') order by seq) from public.oplog
            where entity = 'integration-ideas' and record_id = :'idea'),
          array['none', 'none'], 'a detached idea''s rows, its insert too, carry no partner');
insert into public.campaigns (partner_id, name, type) values (:'p1', 'Moving', 'webinar') returning id as campaign \gset
update public.campaigns set partner_id = :'p2' where id = :'campaign';
select is((select array_agg(partner_id order by seq) from public.oplog where entity = 'campaigns' and record_id = :'campaign'),
          array[:'p2', :'p2'], 'a moved campaign''s rows carry its new partner');

select set_config('partnerships.user_id', 'pr_adm2', true) \g /dev/null
update public.partners set owner_user_id = 'pr_bob' where id = :'p1';
select set_config('partnerships.user_id', 'pr_bob', true) \g /dev/null
select is((select count(*)::int from public.oplog where record_id = :'idea'), 0,
          'the partner''s new owner reads nothing of the idea detached from it');
select set_config('partnerships.user_id', 'pr_ann', true) \g /dev/null
select is((select array_agg(op order by seq) from public.oplog where record_id = :'idea'), array['insert', 'update'],
          'its owner reads all of its history');
reset role;

select throws_ok($$select public.partner_figures_apply('no-such-partner-00000', array[1, 0, 0, 0, 0, 0, 0])$$,
                 '40001', 'the partner changed at the same time',
                 'a figures'' update that finds no partner raises (to be run again)');

-- A demotion (allowed: there are other admins) holds the advisory lock
-- (727275) to commit.
select ok(not exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid = 727275),
          'no demotion lock before a demotion');
update public.users set role = 'member' where id = 'pr_adm1';
select ok(exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid = 727275 and granted),
          'a demotion of an admin takes the advisory lock before counting the admins left');

select * from finish();
rollback;
