-- What a member's reads use instead of scanning their rows, as the
-- application role: the kept position of the status (sql/008) follows the
-- status, stays out of the oplog, and a filter on it is an index search
-- under the row policies (which a filter on the enum itself could never
-- be); the totals per owner and status (sql/009) and the partners per
-- owner and review date (sql/010) equal a recount after every kind of
-- change, and each reader sees only their own; so does each partner's kept
-- JSON (sql/012), which follows every write but stays out of the oplog.
\set ON_ERROR_STOP 1
begin;
insert into public.users (id, email, name, role) values
  ('ix_alice', 'alice@ix.test', 'Alice', 'member'), ('ix_bob', 'bob@ix.test', 'Bob', 'member'),
  ('ix_root', 'root@ix.test', 'Root', 'admin');
-- A hundred partners in every status (ids 1 … 6 are one of each).
insert into public.partners (id, company, contact_name, contact_email, type, status, owner_user_id)
select 'ixpartner' || lpad((i * 10 + s.n)::text, 12, '0'), 'Ix ' || s.status || ' ' || i, 'A', 'a@ix.test', 'referral',
       s.status, 'ix_alice'
  from unnest(enum_range(null::public.partner_status)) with ordinality s(status, n), generate_series(0, 99) i;
analyze public.partners;

\ir lib/helpers.psql

-- True when the kept totals equal a recount from the partners, both ways,
-- and every partner's kept JSON the one built from its row.
create function pg_temp.totals_true() returns boolean language sql as $$
  select not exists (select 1 from public.partner_totals_drift())
     and not exists (select 1 from public.partner_review_totals_drift())
     and not exists (select 1 from public.partner_json_drift())
$$;

-- The number in one of this test's partner ids (null for anyone else's).
create function pg_temp.ix(id text) returns integer language sql immutable as $$
  select case when id like 'ixpartner%' then substr(id, 10)::integer end
$$;

select set_config('partnerships.user_id', 'ix_alice', true);
set local role partnerships_app;
select plan(27);

select is((select count(*)::int from public.partners
            where status_rank is distinct from array_position(enum_range(null::public.partner_status), status)), 0,
          'every partner''s status_rank is its status''s position in the enumeration');
update public.partners set status = 'active' where id = 'ixpartner000000000001';
select is((select status_rank from public.partners where id = 'ixpartner000000000001'),
          public.enum_position('active'::public.partner_status), 'a status change moves the rank with it');
select throws_ok($$update public.partners set status_rank = 1 where id = 'ixpartner000000000001'$$, '428C9',
                 'column "status_rank" can only be updated to DEFAULT', 'the rank cannot be written: it is generated');
insert into public.campaigns (partner_id, name, type, status)
  values ('ixpartner000000000001', 'Ix campaign', 'webinar', 'promoting');
select is((select status_rank from public.campaigns where name = 'Ix campaign'),
          public.enum_position('promoting'::public.campaign_status), 'a campaign keeps its status''s rank too');

-- The plan can search an index for the rank.  Sequential and bitmap scans
-- are forbidden so that this small table's costs do not decide, and the
-- rank is compared with one value (the program's = any(array(...)) is the
-- same leakproof operator, but its unknown array leaves the planner no
-- estimate to prefer the search by on a table this small).
set local enable_seqscan = off;
set local enable_bitmapscan = off;
select matches(pg_temp.plan_of($$select id from public.partners t where t.owner_user_id = 'ix_alice'
                  and t.deleted_at is null and t.status_rank = public.enum_position('active'::public.partner_status)$$),
               '(?n)Index Cond: .*status_rank = ',
               'a member''s status filter is an index search on the rank');
select doesnt_match(pg_temp.plan_of($$select id from public.partners t where t.owner_user_id = 'ix_alice'
                  and t.deleted_at is null and t.status = 'active'$$),
                    '(?n)Index Cond: .*status =',
                    'while the enum''s own equality cannot be one under the row policies (why the rank exists)');
select doesnt_match(pg_temp.plan_of($$select id from public.partners t where t.owner_user_id = 'ix_alice'
                  and t.deleted_at is null and t.status_rank = (select public.enum_position('active'::public.partner_status))
                  order by t.revenue_attributed desc nulls last, t.id limit 50$$),
                    '(?n)Sort',
                    'a member''s page of one status by revenue is read in the index''s order, not sorted (sql/014)');
select doesnt_match(pg_temp.plan_of($$select id from public.partner_performance t where t.owner_user_id = 'ix_alice'
                  order by t.revenue desc nulls last, t.id limit 50$$),
                    '(?n)Sort',
                    'a member''s performance table, best first, is read in an index''s order, not sorted (sql/016)');
select doesnt_match(pg_temp.plan_of($$select id from public.partner_performance t
                  order by t.revenue desc nulls last, t.id limit 50$$),
                    '(?n)Sort',
                    'so is everyone''s, as an admin reads it (sql/016)');

reset role;
select is((select count(*)::int from public.oplog where entity in ('partners', 'campaigns') and changes ? 'statusRank'), 0,
          'the rank never enters the oplog (the status does)');

-- Totals (sql/009): every kind of change, then the recount.
select set_config('partnerships.user_id', 'ix_alice', true);
set local role partnerships_app;
select ok(pg_temp.totals_true(), 'totals equal a recount after creates and a status change');
insert into public.referrals (partner_id, direction, lead_name, status, deal_value) values
  ('ixpartner000000000001', 'inbound', 'Won', 'converted', 250),
  ('ixpartner000000000001', 'outbound', 'Intro', 'introduced', null),
  ('ixpartner000000000002', 'outbound', 'Intro 2', 'introduced', null);
update public.partners set status = 'expanding' where id = 'ixpartner000000000002';
update public.partners set deleted_at = now() where id = 'ixpartner000000000003';
select ok(pg_temp.totals_true(), 'after revenue, intros, a status change carrying intros and a delete');
update public.partners set deleted_at = null where id = 'ixpartner000000000003';
update public.referrals set deleted_at = now() where lead_name = 'Intro';
select ok(pg_temp.totals_true(), 'after a restore and a deleted referral');
select is((select count(*)::int from public.partner_totals where owner_user_id <> 'ix_alice'), 0,
          'a member sees only their own totals');
select throws_ok($$update public.partner_totals set partners = 0$$, '42501', null, 'the application cannot write totals');
reset role;
select set_config('partnerships.user_id', 'ix_root', true);
update public.partners set owner_user_id = 'ix_bob' where id in ('ixpartner000000000001', 'ixpartner000000000004');
delete from public.partners where id = 'ixpartner000000000005';
select ok(pg_temp.totals_true(), 'after partners move to another owner and one is erased');

select is((select sum(partners)::int from public.partner_totals where owner_user_id = 'ix_bob'), 2,
          'the new owner''s totals hold the moved partners');

-- Review dates (sql/010): set, moved, cleared, on deleted partners, moved
-- between owners with their partner.
update public.partners set next_review = current_date - pg_temp.ix(id) % 7
 where owner_user_id = 'ix_alice' and pg_temp.ix(id) % 3 = 0;
select ok(pg_temp.totals_true(), 'review counts equal a recount after dates are set');
update public.partners set next_review = next_review + 3 where pg_temp.ix(id) % 2 = 0 and next_review is not null;
update public.partners set next_review = null where pg_temp.ix(id) % 5 = 0;
update public.partners set deleted_at = now() where pg_temp.ix(id) % 7 = 0;
update public.partners set status = 'churned', deleted_at = null where pg_temp.ix(id) % 14 = 0;
select ok(pg_temp.totals_true(), 'after dates move, are cleared, and partners with dates are deleted and restored');
update public.partners set owner_user_id = 'ix_bob' where pg_temp.ix(id) % 11 = 0;
delete from public.partners where pg_temp.ix(id) % 13 = 0;
select ok(pg_temp.totals_true(), 'after partners with dates change owner and some are erased');

-- The kept JSON (sql/012): written after the version moves, in UTC
-- whatever the writer's time zone, never written by the application and
-- never logged.
select set_config('partnerships.user_id', 'ix_alice', true);
set local role partnerships_app;
update public.partners set notes = 'Kept "JSON" \ ünïcode' where id = 'ixpartner000000000002';
select is((select (public.api_partner(p)::json ->> 'version') || ' ' || (public.api_partner(p)::json ->> 'notes')
             from public.partners p where id = 'ixpartner000000000002'),
          (select version || ' Kept "JSON" \ ünïcode' from public.partners where id = 'ixpartner000000000002'),
          'an update''s JSON carries the version it made and the text as written');
set local timezone to 'Asia/Kolkata';
insert into public.partners (company, contact_name, contact_email, type) values ('Ix zone', 'A', 'a@ix.test', 'referral');
select matches((select public.api_partner(p)::json ->> 'createdAt' from public.partners p where company = 'Ix zone'),
               '\+00:00$', 'timestamps are written in UTC');
reset timezone;
select throws_ok($$update public.partners set api_members = '' where id = 'ixpartner000000000002'$$, '42501', null,
                 'the application cannot write the kept JSON');
reset role;
select is((select count(*)::int from public.oplog where entity = 'partners' and changes ? 'apiMembers'), 0,
          'the kept JSON never enters the oplog');
select set_config('partnerships.user_id', 'ix_root', true);
select ok(pg_temp.totals_true(), 'every partner''s kept JSON equals its row''s after all of the above');

select is((select sum(partners)::int from public.partner_review_totals where next_review <= current_date),
          (select count(*)::int from public.partners where deleted_at is null and next_review <= current_date),
          'reviews due summed by date equal the due partners counted');

-- The feed of one role's users (GET /oplog?actorRole=, sql/038) reads each
-- user's rows in order from their index, under the row policies (the
-- user is compared with a leakproof operator, so the index is searched).
select set_config('partnerships.user_id', 'ix_alice', true);
set local role partnerships_app;
set local enable_seqscan = off;
select matches(pg_temp.plan_of($$select l.seq from public.oplog l where l.actor_user_id = 'ix_alice' and l.seq > 0
                                 order by l.seq limit 10$$),
               'Index Cond: \(\(actor_user_id = ''ix_alice''::text\) AND \(seq > 0\)\)',
               'a user''s oplog rows are searched by the actor''s index under the policies');
reset enable_seqscan;
reset role;

select * from finish();
rollback;
