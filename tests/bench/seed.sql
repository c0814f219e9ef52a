-- The benchmark's company, reproducible: psql -v scale=N (1: 10 users,
-- 20,000 partners, 5,000 campaigns, 50,000 referrals, 2,000 integrations,
-- 2,000 ideas, 10,000 shared customers; N times that).  Values come from the
-- row number, enums from their own types, so nothing here repeats the
-- schema's lists (i / 7 spreads each owner's partners over them all).
-- Every row goes through the triggers (oplog, counters) as the app's writes
-- do, in transactions of :batch rows: the counters and totals a transaction
-- updates keep every version it wrote, so one transaction for everything
-- made each update walk a longer chain of them (SCALE=10 ran for hours).
-- API tokens: bench-token-1 … bench-token-10.
\set ON_ERROR_STOP 1
\set batch 2000
begin;
insert into public.users (email, name, role)
select 'bench-' || lpad(u::text, 2, '0') || '@bench.example', 'Bench User ' || u, case when u = 10 then 'admin' else 'member' end::public.user_role
  from generate_series(1, 10) u;
create temporary table bench_user as
  select row_number() over (order by email) - 1 as n, id from public.users where email like 'bench-%@bench.example';
insert into public.api_tokens (user_id, name, token_hash)
select id, 'bench', sha256(convert_to('bench-token-' || (n + 1), 'UTF8')) from bench_user;
commit;
select set_config('partnerships.user_id', (select id from bench_user where n = 9), false) \g /dev/null

create function pg_temp.pick(anyarray, integer) returns anyelement
  language sql immutable as $$ select $1[1 + abs($2) % array_length($1, 1)] $$;

select format($batch$insert into public.partners (company, contact_name, contact_email, type, status, tier, owner_user_id,
                             commission_rate, next_review, notes, audience_overlap, strategic_value, execution_effort)
select 'Company ' || i || ' ' || pg_temp.pick(array['Analytics', 'Media', 'Consulting', 'Cloud', 'Labs', 'Systems'], i * 7),
       'Contact ' || i, 'contact' || i || '@company' || i || '.example',
       pg_temp.pick(enum_range(null::public.partner_type), i * 3 + i / 7),
       pg_temp.pick(enum_range(null::public.partner_status), i * 5 + i / 7),
       pg_temp.pick(enum_range(null::public.partner_tier), i * 11 + i / 7),
       (select id from bench_user where n = i %% 10),
       (5 + i %% 20) || '%%', current_date + (i %% 120) - 30,
       case when i %% 4 = 0 then 'Met at the partner summit; follow up on the joint webinar.' end,
       1 + i %% 5, 1 + (i * 3) %% 5, 1 + (i * 7) %% 5
  from generate_series(%s, %s) i$batch$,
              lo, least(lo + :batch - 1, (20000 * :scale)::integer))
  from generate_series(1, (20000 * :scale)::integer, :batch) lo \gexec
create temporary table bench_partner as
  select row_number() over (order by id) - 1 as n, id, owner_user_id from public.partners;
create index on bench_partner (n);
analyze bench_partner;

select format($batch$insert into public.campaigns (partner_id, owner_user_id, name, type, status, start_date, budget, leads, conversions, revenue)
select p.id, p.owner_user_id, 'Campaign ' || i, pg_temp.pick(enum_range(null::public.campaign_type), i),
       pg_temp.pick(enum_range(null::public.campaign_status), i * 3), current_date - (i %% 365),
       1000 + i %% 9000, i %% 500, i %% 40, (i %% 40) * 750
  from generate_series(%s, %s) i join bench_partner p on p.n = (i::bigint * 7919) %% %s$batch$,
              lo, least(lo + :batch - 1, (5000 * :scale)::integer), (20000 * :scale)::integer)
  from generate_series(1, (5000 * :scale)::integer, :batch) lo \gexec

select format($batch$insert into public.referrals (partner_id, owner_user_id, direction, lead_name, lead_company, status, deal_value,
                              referred_date)
select p.id, p.owner_user_id, pg_temp.pick(enum_range(null::public.referral_direction), i),
       'Lead ' || i, 'Lead Company ' || i, pg_temp.pick(enum_range(null::public.referral_status), i * 3),
       case when i %% 4 = 2 then 5000 + i %% 50000 end, current_date - (i %% 700)
  from generate_series(%s, %s) i join bench_partner p on p.n = (i::bigint * 104729) %% %s$batch$,
              lo, least(lo + :batch - 1, (50000 * :scale)::integer), (20000 * :scale)::integer)
  from generate_series(1, (50000 * :scale)::integer, :batch) lo \gexec

select format($batch$insert into public.integrations (partner_id, owner_user_id, name, type, status, health)
select p.id, p.owner_user_id, 'Integration ' || i, pg_temp.pick(enum_range(null::public.integration_type), i),
       pg_temp.pick(enum_range(null::public.integration_status), i * 3), pg_temp.pick(enum_range(null::public.health), i)
  from generate_series(%s, %s) i join bench_partner p on p.n = (i::bigint * 15485863) %% %s$batch$,
              lo, least(lo + :batch - 1, (2000 * :scale)::integer), (20000 * :scale)::integer)
  from generate_series(1, (2000 * :scale)::integer, :batch) lo \gexec

select format($batch$insert into public.integration_ideas (partner_id, owner_user_id, description, customer_request_count, priority)
select p.id, p.owner_user_id, 'Idea ' || i, i %% 30, pg_temp.pick(enum_range(null::public.idea_priority), i)
  from generate_series(%s, %s) i join bench_partner p on p.n = (i::bigint * 32452843) %% %s$batch$,
              lo, least(lo + :batch - 1, (2000 * :scale)::integer), (20000 * :scale)::integer)
  from generate_series(1, (2000 * :scale)::integer, :batch) lo \gexec

select format($batch$insert into public.shared_customers (partner_id, owner_user_id, customer, joint_revenue, health)
select p.id, p.owner_user_id, 'Customer ' || i, (i %% 100) * 1000, pg_temp.pick(enum_range(null::public.health), i * 7)
  from generate_series(%s, %s) i join bench_partner p on p.n = (i::bigint * 49979687) %% %s$batch$,
              lo, least(lo + :batch - 1, (10000 * :scale)::integer), (20000 * :scale)::integer)
  from generate_series(1, (10000 * :scale)::integer, :batch) lo \gexec
-- The counters' upkeep leaves a dead version per update: a company that has
-- been running a while has been vacuumed since.
vacuum analyze;
