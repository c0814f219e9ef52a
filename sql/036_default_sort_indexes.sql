-- 036: each list's own order (what a page shows before anyone sorts) served
-- in order by an index, for a member and an admin, where it was not: the
-- referrals by date referred, latest first; the campaigns by start date,
-- latest first, then name; the shared customers by name.  Without them
-- each page sorted all the reader's rows (tests/bench/sorts.mjs, SCALE=1,
-- 16 connections, member / admin req/s): referrals 440 / 107 (5,000 and
-- 50,000 rows), campaigns 1,506 / 441, shared customers 833 / 319.
create index referrals_owner_referred_idx on public.referrals using btree (owner_user_id, referred_date desc nulls last, id) where deleted_at is null;
create index referrals_referred_idx on public.referrals using btree (referred_date desc nulls last, id) where deleted_at is null;
create index campaigns_owner_start_idx on public.campaigns using btree (owner_user_id, start_date desc nulls last, name, id) where deleted_at is null;
create index campaigns_start_idx on public.campaigns using btree (start_date desc nulls last, name, id) where deleted_at is null;
create index shared_customers_owner_customer_idx on public.shared_customers using btree (owner_user_id, customer, id) where deleted_at is null;
create index shared_customers_customer_idx on public.shared_customers using btree (customer, id) where deleted_at is null;
