-- The oplog, versions, soft delete and constraints (sql/README.md "Oplog",
-- "Versions", "Soft delete and restore", "Partner"), written through the
-- application role.
\set ON_ERROR_STOP 1
-- The clock before this test's transaction (whose now() is later).
select clock_timestamp() as before_test \gset
begin;
insert into public.users (id, email, name, role) values
  ('carol', 'carol@sql.test', 'Carol', 'member'),
  ('boss', 'boss@sql.test', 'Boss', 'admin');
insert into public.sessions (token_hash, user_id, expires_at) values ('\x01', 'carol', now() + interval '1 hour');

set local role partnerships_app;
select plan(30);
select set_config('partnerships.user_id', 'carol', true);

insert into public.partners (company, contact_name, contact_email, type, audience_overlap, strategic_value, execution_effort)
values ('Carol Co', 'C', 'c@carol.test', 'referral', 5, 4, 1)
returning id as carol_partner \gset

select is((select owner_user_id from public.partners where id = :'carol_partner'), 'carol',
          'the owner defaults to the acting user');
select is((select version from public.partners where id = :'carol_partner'), 1, 'version starts at 1');
select is((select score::int from public.partners where id = :'carol_partner'), 8, 'score = overlap + value - effort');
select is(public.engagement(8), 'invest', 'score 8 is invest');
select is(public.engagement(5), 'active', 'score 5 is active');
select is(public.engagement(2), 'lightweight', 'score 2 is lightweight');
select is(public.engagement(1), 'deprioritize', 'score 1 is deprioritize');
select is((select count(*)::int from public.oplog where record_id = :'carol_partner' and op = 'insert'
            and actor_user_id = 'carol' and changes -> 'company' = '[null, "Carol Co"]'), 1,
          'an insert writes one oplog row with its fields and actor');

update public.partners set company = 'Carol Inc', notes = 'n' where id = :'carol_partner';
select is((select version from public.partners where id = :'carol_partner'), 2, 'a change bumps the version');
select is((select changes from public.oplog where record_id = :'carol_partner' and op = 'update'),
          '{"company": ["Carol Co", "Carol Inc"], "notes": [null, "n"]}'::jsonb,
          'an update logs only the changed fields, old and new, by API name');

update public.partners set company = 'Carol Inc' where id = :'carol_partner';
select is((select version from public.partners where id = :'carol_partner'), 2,
          'writing the same value is no change: no new version');
select is((select count(*)::int from public.oplog where record_id = :'carol_partner'), 2,
          'and no oplog row');

update public.partners set deleted_at = now() where id = :'carol_partner';
select is((select op from public.oplog where record_id = :'carol_partner' order by seq desc limit 1), 'delete',
          'a soft delete is logged as delete');
select is((select count(*)::int from public.partners where id = :'carol_partner' and deleted_at is not null), 1,
          'the row is kept, marked deleted');
update public.partners set deleted_at = null where id = :'carol_partner';
select is((select op from public.oplog where record_id = :'carol_partner' order by seq desc limit 1), 'restore',
          'a restore is logged as restore');
-- Within one transaction now() stands still, so every row here has the
-- same time: what orders them is seq, in the order they were written, and
-- their time is the writing transaction's (after the clock read before it
-- began, not later than the clock now).
select is((select array_agg(op order by seq) from public.oplog where record_id = :'carol_partner'),
          array['insert', 'update', 'delete', 'restore'], 'oplog rows are numbered in the order they were written');
select is((select count(*)::int from public.oplog where record_id = :'carol_partner'
            and at = now() and at >= :'before_test'::timestamptz and at <= clock_timestamp()), 4,
          'each carries the time of the transaction that wrote it');

select throws_ok($$insert into public.partners (company, contact_name, contact_email, type)
                   values ('X', 'Y', 'not-an-email', 'referral')$$, '23514', null, 'a bad email is refused');
select throws_ok($$insert into public.partners (company, contact_name, contact_email, type, audience_overlap)
                   values ('X', 'Y', 'y@x.test', 'referral', 6)$$, '23514', null, 'a scoring axis above 5 is refused');
select throws_ok($$insert into public.partners (company, contact_name, contact_email, type, agreement_url)
                   values ('X', 'Y', 'y@x.test', 'referral', 'ftp://x')$$, '23514', null, 'a non-http URL is refused');
select throws_ok($$insert into public.partners (company, contact_name, contact_email, type)
                   values ('', 'Y', 'y@x.test', 'referral')$$, '23514', null, 'an empty company is refused');
select throws_ok($$insert into public.partners (contact_name, contact_email, type)
                   values ('Y', 'y@x.test', 'referral')$$, '23502', null, 'a missing company is refused');
select throws_ok($$insert into public.partners (company, contact_name, contact_email, type)
                   values ('X', 'Y', 'y@x.test', 'reseller')$$, '22P02', null, 'a type outside the enumeration is refused');
select is((select (public.api_partner(p)::json ->> 'reviewDue')::boolean from public.partners p
            where id = :'carol_partner'), false, 'no next review: not due');

reset role;
update public.partners set created_at = '2000-01-01', id = 'zzzzzzzzzzzzzzzzzzzzz' where id = :'carol_partner';
select is((select created_at > '2001-01-01' from public.partners where id = :'carol_partner'), true,
          'id and creation time never change');

update public.users set role = 'member' where role = 'admin' and id <> 'boss';
select set_config('partnerships.user_id', 'boss', true);
select throws_ok($$update public.users set role = 'member' where id = 'boss'$$, 'PT409', null,
                 'the last admin cannot be demoted');
update public.users set disabled = true where id = 'carol';
select is((select count(*)::int from public.sessions where user_id = 'carol'), 0,
          'disabling a user ends their sessions');
-- Passwords set the ways the program sets them (a user added with one by
-- an admin, then changed by the user): the users row is logged, the hashes
-- are kept, and no oplog row holds either hash.
set local role partnerships_app;
select public.user_create('dave@sql.test', 'Dave', 'member',
                          '$argon2id$v=19$m=65536,t=2,p=1$b3Bsb2d0ZXN0$first-hash-of-dave') ->> 'id' as dave \gset
select set_config('partnerships.user_id', :'dave', true);
select public.auth_password_set('$argon2id$v=19$m=65536,t=2,p=1$b3Bsb2d0ZXN0$second-hash-of-dave', null);
reset role;
select is((select count(*)::int from public.oplog where entity = 'users' and record_id = :'dave' and op = 'insert'
            and changes -> 'email' = '[null, "dave@sql.test"]'), 1, 'a user added with a password is in the oplog');
select is((select password_hash from public.user_credentials where user_id = :'dave'),
          '$argon2id$v=19$m=65536,t=2,p=1$b3Bsb2d0ZXN0$second-hash-of-dave', 'and their password was set, then changed');
select is((select count(*)::int from public.oplog where changes::text like '%-hash-of-dave%'), 0,
          'password hashes never reach the oplog');

select * from finish();
rollback;
