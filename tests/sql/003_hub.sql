-- The attached tables, tried as the application role with hand-written SQL:
-- ownership through the partner, cascade, figures equal to a recount, and
-- the helpers that adjust figures out of the role's reach.
\set ON_ERROR_STOP 1
begin;
insert into public.users (id, email, name, role) values
  ('hub_alice', 'alice@hub.test', 'Alice', 'member'),
  ('hub_bob', 'bob@hub.test', 'Bob', 'member'),
  ('hub_root', 'root@hub.test', 'Root', 'admin');
insert into public.partners (id, company, contact_name, contact_email, type, owner_user_id) values
  ('hubalicepartner000001', 'Alice Co', 'A', 'a@alice.test', 'referral', 'hub_alice'),
  ('hubalicepartner000002', 'Alice Two', 'A', 'a@alice.test', 'referral', 'hub_alice'),
  ('hubbobpartner00000001', 'Bob Co', 'B', 'b@bob.test', 'integration', 'hub_bob');

\ir lib/helpers.psql

-- True when a partner's stored figures equal a recount from the rows:
-- every column the recount returns against the partner's column of that name.
create function pg_temp.figures_true(partner text) returns boolean language sql as $$
  select not exists (select 1 from jsonb_each(to_jsonb(r)) e where to_jsonb(p) -> e.key is distinct from e.value)
    from public.partners p, public.partner_figures_recount(partner) r where p.id = partner
$$;

-- Rows with known ids are made before taking the application role (which
-- may not choose ids); the triggers run all the same.
select set_config('partnerships.user_id', 'hub_alice', true);
insert into public.referrals (id, partner_id, direction, lead_name, status, deal_value) values
  ('hubref000000000000001', 'hubalicepartner000001', 'inbound', 'One', 'converted', 100),
  ('hubref000000000000002', 'hubalicepartner000001', 'outbound', 'Two', 'introduced', 50),
  ('hubref000000000000003', 'hubalicepartner000001', 'inbound', 'Three', 'qualified', 70);
insert into public.campaigns (id, partner_id, name, type, budget, revenue) values
  ('hubcampaign0000000001', 'hubalicepartner000001', 'Camp', 'webinar', 10, 40);
insert into public.shared_customers (id, partner_id, customer, joint_revenue) values
  ('hubshared000000000001', 'hubalicepartner000001', 'Acme', 5);
set local role partnerships_app;
select plan(22);

select set_config('partnerships.user_id', 'hub_alice', true);
select throws_ok($$insert into public.campaigns (partner_id, name, type) values ('hubbobpartner00000001', 'x', 'event')$$,
                 'PT422', 'must be the id of a partner', 'a member cannot attach to another member''s partner');
select throws_ok($$insert into public.campaigns (partner_id, name, type, owner_user_id) values ('hubalicepartner000001', 'x', 'event', 'hub_bob')$$,
                 '42501', null, 'the owner of an attached record is not the application''s to set');
select throws_ok($$select public.partner_figures_apply('hubalicepartner000001', array[100, 0, 0, 0, 0, 0, 0])$$, '42501', null,
                 'the figure helpers cannot be called by the application');
select throws_ok($$update public.partners set referrals_made = 99 where id = 'hubalicepartner000001'$$, '42501', null,
                 'derived figures cannot be written');

update public.referrals set status = 'converted' where id = 'hubref000000000000003';
update public.referrals set deleted_at = now() where id = 'hubref000000000000001';
update public.referrals set partner_id = 'hubalicepartner000002' where id = 'hubref000000000000002';
update public.campaigns set revenue = 45 where id = 'hubcampaign0000000001';
select ok(pg_temp.figures_true('hubalicepartner000001'), 'figures equal a recount after inserts, updates, a delete, a move');
select ok(pg_temp.figures_true('hubalicepartner000002'), 'the partner a referral moved to counts it');
select is((select revenue_attributed from public.partners where id = 'hubalicepartner000001'), 120.00::numeric,
          'revenue attributed: converted inbound 70 + campaign 45 + shared customer 5');

-- The performance page reads the campaign figures kept on the partner.
select is((select (campaigns, roi)::text from public.partner_performance where partner_id = 'hubalicepartner000001'),
          '(1,3.5000)', 'performance: one campaign, ROI (45 - 10) / 10');
reset role;   -- known ids, as above
insert into public.campaigns (id, partner_id, name, type, budget, revenue) values
  ('hubcampaign0000000002', 'hubalicepartner000002', 'Unbudgeted', 'event', null, 1000),
  ('hubcampaign0000000003', 'hubalicepartner000002', 'Budgeted', 'event', 20, 10);
set local role partnerships_app;
update public.campaigns set partner_id = 'hubalicepartner000001' where id = 'hubcampaign0000000003';
select is((select (campaigns, roi)::text from public.partner_performance where partner_id = 'hubalicepartner000001'),
          '(2,0.8333)', 'a campaign moved in: (45 + 10 - 30) / 30');
select is((select (campaigns, roi)::text from public.partner_performance where partner_id = 'hubalicepartner000002'),
          '(1,)', 'a campaign without a budget counts but has no ROI');
update public.campaigns set budget = 40, revenue = 50 where id = 'hubcampaign0000000002';
select ok(pg_temp.figures_true('hubalicepartner000002'), 'campaign figures equal a recount after a budget is set');
select ok(pg_temp.figures_true('hubalicepartner000001'), 'and on the partner the campaign moved to');

select set_config('partnerships.user_id', 'hub_bob', true);
select is((select count(*)::int from public.referrals where partner_id like 'hubalice%'), 0,
          'another member sees none of the records attached to Alice''s partners');
select is(pg_temp.rows_changed($$update public.campaigns set name = 'taken' where id = 'hubcampaign0000000001'$$), 0,
          'nor changes them');

select set_config('partnerships.user_id', 'hub_alice', true);
update public.partners set deleted_at = now() where id = 'hubalicepartner000001';
select is((select count(*)::int from public.referrals where partner_id = 'hubalicepartner000001' and deleted_at is null)
          + (select count(*)::int from public.campaigns where partner_id = 'hubalicepartner000001' and deleted_at is null)
          + (select count(*)::int from public.shared_customers where partner_id = 'hubalicepartner000001' and deleted_at is null),
          0, 'deleting a partner deletes its records');
select throws_ok($$update public.campaigns set deleted_at = null where id = 'hubcampaign0000000001'$$, 'PT409', null,
                 'a record of a deleted partner cannot be restored');
update public.partners set deleted_at = null where id = 'hubalicepartner000001';
select is((select deleted_at from public.campaigns where id = 'hubcampaign0000000001'), null,
          'restoring the partner restores its records');
select isnt((select deleted_at from public.referrals where id = 'hubref000000000000001'), null,
            'but not one deleted before the partner');
select ok(pg_temp.figures_true('hubalicepartner000001'), 'figures equal a recount after cascade delete and restore');

select set_config('partnerships.user_id', 'hub_root', true);
update public.partners set owner_user_id = 'hub_bob' where id = 'hubalicepartner000001';
select is((select array_agg(distinct owner_user_id) from public.campaigns where partner_id = 'hubalicepartner000001'),
          array['hub_bob'], 'reassigning a partner moves its records');
select is((select count(*)::int from public.oplog where entity = 'campaigns' and record_id = 'hubcampaign0000000001'
            and changes ? 'ownerUserId'), 0, 'the move is no change of the campaign itself');
select is((select count(*)::int from public.oplog where entity = 'campaigns' and record_id = 'hubcampaign0000000001'),
          4, 'the campaign''s oplog: insert, update, delete, restore');

select * from finish();
rollback;
