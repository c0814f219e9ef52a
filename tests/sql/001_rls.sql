-- Row-level security and privileges, tried as the application role with
-- hand-written SQL: another user's partner is invisible and unwritable, and
-- the role cannot get around the rules (sql/README.md "Ownership").
\set ON_ERROR_STOP 1
begin;
insert into public.users (id, email, name, role) values
  ('alice', 'alice@sql.test', 'Alice', 'member'),
  ('bob', 'bob@sql.test', 'Bob', 'member'),
  ('root', 'root@sql.test', 'Root', 'admin');
insert into public.partners (id, company, contact_name, contact_email, type, owner_user_id) values
  ('alicepartner000000001', 'Alice Co', 'A', 'a@alice.test', 'referral', 'alice'),
  ('bobpartner00000000001', 'Bob Co', 'B', 'b@bob.test', 'integration', 'bob');

\ir lib/helpers.psql

set local role partnerships_app;
select plan(25);

select is((select rolsuper or rolbypassrls or rolcreaterole from pg_roles where rolname = 'partnerships_app'),
          false, 'the application role is no superuser and cannot bypass row-level security');
select is((select count(*)::int from pg_class c join pg_roles r on r.oid = c.relowner
            where r.rolname = 'partnerships_app' and c.relnamespace = 'public'::regnamespace), 0,
          'the application role owns nothing');

select set_config('partnerships.user_id', 'alice', true);
select is((select array_agg(id) from public.partners), array['alicepartner000000001'],
          'a member sees only the partners they own');
select is((select count(*)::int from public.partners where id = 'bobpartner00000000001'), 0,
          'another user''s partner is invisible even by id');
select is(pg_temp.rows_changed($$update public.partners set company = 'taken' where id = 'bobpartner00000000001'$$), 0,
          'another user''s partner cannot be updated');
select is(pg_temp.rows_changed($$update public.partners set deleted_at = now() where id = 'bobpartner00000000001'$$), 0,
          'another user''s partner cannot be soft-deleted');
select throws_ok($$insert into public.partners (company, contact_name, contact_email, type, owner_user_id)
                   values ('C', 'N', 'n@c.test', 'referral', 'bob')$$, '42501', null,
                 'a member cannot create a partner for someone else');
select throws_ok($$update public.partners set owner_user_id = 'bob' where id = 'alicepartner000000001'$$,
                 '42501', null, 'a member cannot give a partner away');
select throws_ok($$delete from public.partners where id = 'alicepartner000000001'$$, '42501', null,
                 'DELETE is not granted: deletion is soft');
select throws_ok($$update public.partners set referrals_made = 9 where id = 'alicepartner000000001'$$, '42501', null,
                 'derived figures cannot be written');
select throws_ok($$update public.partners set version = 9 where id = 'alicepartner000000001'$$, '42501', null,
                 'the version cannot be written');
select is((select count(*)::int from public.oplog where partner_id = 'bobpartner00000000001'), 0,
          'another user''s oplog rows are invisible');
select throws_ok($$insert into public.oplog (entity, record_id, op, changes) values ('partners', 'x', 'insert', '{}')$$,
                 '42501', null, 'the oplog cannot be written directly');
select throws_ok($$update public.oplog set op = 'update'$$, '42501', null, 'the oplog cannot be rewritten');
select throws_ok($$delete from public.oplog$$, '42501', null, 'the oplog cannot be deleted from');
select throws_ok($$alter table public.partners disable row level security$$, '42501', null,
                 'row-level security cannot be switched off');
select throws_ok($$alter table public.partners disable trigger partners_oplog$$, '42501', null,
                 'the oplog trigger cannot be disabled');
select throws_ok($$set session_replication_role = replica$$, '42501', null,
                 'triggers cannot be skipped with session_replication_role');
select throws_ok($$select token_hash from public.sessions$$, '42501', null, 'sessions are not readable');
select throws_ok($$select password_hash from public.user_credentials$$, '42501', null, 'password hashes are not readable');
select is(pg_temp.rows_changed($$update public.users set role = 'admin' where id = 'alice'$$), 0,
          'a member cannot make themselves admin');
select throws_ok($$select public.user_create('x@sql.test', 'X', 'admin', null)$$, 'PT403', null,
                 'a member cannot add users');

select set_config('partnerships.user_id', 'root', true);
select is((select count(*)::int from public.partners where id in ('alicepartner000000001', 'bobpartner00000000001')),
          2, 'an admin sees every partner');
select lives_ok($$update public.partners set owner_user_id = 'bob' where id = 'alicepartner000000001'$$,
                'an admin may reassign a partner');

select set_config('partnerships.user_id', '', true);
select is((select count(*)::int from public.partners), 0, 'without an acting user nothing is visible');

select * from finish();
rollback;
