-- Invitations (sql/028): what only the database can be trusted with.  The
-- application role never reads a link's hash; only admins make links; an
-- expired link (which the API tests cannot wait for) signs no one in and
-- sets no password; members see no one's links.
\set ON_ERROR_STOP 1
begin;
select plan(8);

insert into public.users (id, email, name, role) values
  ('iv_adm', 'adm@iv.test', 'Adm', 'admin'), ('iv_mem', 'mem@iv.test', 'Mem', 'member'),
  ('iv_new', 'new@iv.test', 'New', 'member');
set local role partnerships_app;
select set_config('partnerships.user_id', 'iv_mem', true) \g /dev/null
select throws_ok($$select public.auth_invite_create('iv_new', '\x01', interval '7 days')$$, 'PT403', NULL,
                 'a member cannot make a link');
select set_config('partnerships.user_id', 'iv_adm', true) \g /dev/null
select throws_ok($$select token_hash from public.invites$$, '42501', NULL, 'the program cannot read a link''s hash');
select lives_ok($$select public.auth_invite_create('iv_new', '\x02', interval '7 days')$$, 'an admin makes a link');
reset role;
update public.invites set expires_at = now() - interval '1 second' where token_hash = '\x02';
set local role partnerships_app;
select set_config('partnerships.user_id', '', true) \g /dev/null
select ok(public.auth_invite_accept('\x02', 'hash-of-a-password', '\xaa', interval '1 hour', '', '') is null,
          'an expired link signs no one in');
reset role;
select is((select count(*)::int from public.user_credentials where user_id = 'iv_new'), 0, 'and sets no password');
set local role partnerships_app;
select set_config('partnerships.user_id', 'iv_adm', true) \g /dev/null
select public.auth_invite_create('iv_new', '\x03', interval '7 days') ->> 'id' as inv3 \gset
select set_config('partnerships.user_id', 'iv_mem', true) \g /dev/null
select is((select count(*)::int from public.invites), 0, 'a member sees no one''s links');
select is(public.auth_invite_revoke(:'inv3'), false,
          'nor revokes an admin''s link');
select set_config('partnerships.user_id', '', true) \g /dev/null
select ok(public.auth_invite_accept('\x03', 'hash-of-a-password', '\xbb', interval '1 hour', '', '') is not null,
            'a link in time signs its user in');
reset role;

select * from finish();
rollback;
