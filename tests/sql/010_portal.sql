-- The partner portal's role (sql/031): a partner user, read through
-- partnerships_portal, gets only their own partner's rows and only the
-- portal's columns; through partnerships_app (a program that forgot to
-- switch) they get nothing; an internal user in the portal's role gets no
-- more than their own; it writes nothing directly.
\set ON_ERROR_STOP 1
begin;
select plan(16);

insert into public.users (id, email, name, role) values
  ('pt_own', 'own@pt.test', 'Owner', 'member'), ('pt_oth', 'oth@pt.test', 'Other', 'member');
set local role partnerships_app;
select set_config('partnerships.user_id', 'pt_own', true) \g /dev/null
insert into public.partners (company, contact_name, contact_email, type, notes)
values ('Mine', 'A', 'a@pt.test', 'referral', 'internal') returning id as mine \gset
insert into public.referrals (partner_id, direction, lead_name, notes) values (:'mine', 'outbound', 'Lead', 'secret');
insert into public.campaigns (partner_id, name, type) values (:'mine', 'Camp', 'webinar');
select set_config('partnerships.user_id', 'pt_oth', true) \g /dev/null
insert into public.partners (company, contact_name, contact_email, type)
values ('Theirs', 'B', 'b@pt.test', 'referral') returning id as theirs \gset
insert into public.referrals (partner_id, direction, lead_name) values (:'theirs', 'inbound', 'Other lead');
reset role;
insert into public.users (id, email, name, role, partner_id) values ('pt_con', 'con@pt.test', 'Contact', 'partner', :'mine');
select throws_ok($$insert into public.users (id, email, name, role, partner_id) values ('pt_bad', 'bad@pt.test', 'Bad', 'member', '$$ || :'mine' || $$')$$,
                 '23514', NULL, 'only a partner user belongs to a partner');

set local role partnerships_portal;
select set_config('partnerships.user_id', 'pt_con', true) \g /dev/null
select is((select array_agg(company) from public.partners), array['Mine'], 'the contact reads their own partner only');
select throws_ok($$select notes from public.partners$$, '42501', NULL, 'and not its notes');
select throws_ok($$select audience_overlap from public.partners$$, '42501', NULL, 'nor its scoring');
select is((select array_agg(lead_name) from public.referrals), array['Lead'], 'their partner''s referrals only');
select throws_ok($$select notes from public.referrals$$, '42501', NULL, 'without notes');
select is((select count(*)::int from public.campaigns), 1, 'their partner''s campaigns');
select is((select array_agg(name order by name) from public.users), array['Contact', 'Owner'], 'themself and their partner manager, no other user');
select throws_ok($$select count(*) from public.oplog$$, '42501', NULL, 'no history');
select is((select array_agg(t order by t) from unnest(array['integrations', 'integration_ideas', 'checklists', 'views',
            'invites', 'lead_registry', 'partner_totals', 'api_tokens', 'sessions', 'user_credentials', 'idempotency_keys']) t
           where has_table_privilege('partnerships_portal', 'public.' || t, 'select')), null,
          'no other table is readable at all');
select is((select count(*)::int from public.shared_customers), 0, 'shared customers: their partner''s (none here)');
select throws_ok($$insert into public.referrals (partner_id, direction, lead_name) values ('$$ || :'mine' || $$', 'inbound', 'X')$$,
                 '42501', NULL, 'no direct write');
select set_config('partnerships.user_id', 'pt_own', true) \g /dev/null
select is((select array_agg(company) from public.partners), array['Mine'],
          'an internal user put in the portal''s role reads no more than their own partners (the program never does it)');
reset role;

set local role partnerships_app;
select set_config('partnerships.user_id', 'pt_con', true) \g /dev/null
select is((select count(*)::int from public.partners), 0, 'through the application role the contact reads no partner');
select is((select count(*)::int from public.referrals), 0, 'and no referral');
select throws_ok($$update public.users set role = 'member', partner_id = null where id = 'pt_con'$$, '42501', NULL,
                 'nor makes themself an internal user') ;
reset role;

select * from finish();
rollback;
