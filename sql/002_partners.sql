-- 002_partners: the partner, its pipeline, scoring and ownership.
--
-- Constraint names follow <table>_<column>_<rule>: the program turns a
-- violated constraint into an error on the API field <column> (camelCase).

create type public.partner_type as enum
  ('co_marketing', 'integration', 'referral', 'customer_sharing', 'channel_reseller', 'ecosystem_alliance');
create type public.partner_status as enum
  ('prospect', 'negotiating', 'onboarding', 'active', 'expanding', 'churned');
create type public.partner_tier as enum
  ('strategic', 'premier', 'standard', 'lightweight');
create type public.integration_status as enum
  ('discovery', 'build', 'test', 'launched', 'maintaining', 'disabled');

comment on type public.partner_status is 'The partner pipeline, in order: the enum''s order is the board''s column order.';

create table public.partners (
  id                  text primary key default public.nanoid(),
  company             text not null,
  contact_name        text not null,
  contact_email       text not null,
  contact_phone       text,
  type                public.partner_type not null,
  status              public.partner_status not null default 'prospect',
  tier                public.partner_tier not null default 'standard',
  owner_user_id       text not null default public.current_user_id() references public.users (id),
  agreement_url       text,
  commission_rate     text,
  integration_status  public.integration_status,
  last_sync           timestamptz,
  next_review         date,
  notes               text,
  audience_overlap    smallint,
  strategic_value     smallint,
  execution_effort    smallint,
  referrals_made      integer not null default 0,
  referrals_received  integer not null default 0,
  shared_customers    integer not null default 0,
  revenue_attributed  numeric(14, 2) not null default 0,
  score               smallint generated always as (audience_overlap + strategic_value - execution_effort) stored,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  version             integer not null default 1,
  deleted_at          timestamptz,
  search_text         text generated always as (lower(
                        company || ' ' || contact_name || ' ' || contact_email || ' ' ||
                        coalesce(contact_phone, '') || ' ' || coalesce(commission_rate, '') || ' ' ||
                        coalesce(notes, ''))) stored,
  constraint partners_id_check check (id ~ '^[A-Za-z0-9_-]{21}$'),
  constraint partners_company_check check (company = btrim(company) and company <> '' and length(company) <= 200),
  constraint partners_contact_name_check check (contact_name = btrim(contact_name) and contact_name <> '' and length(contact_name) <= 200),
  constraint partners_contact_email_check check (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and length(contact_email) <= 254),
  constraint partners_contact_phone_check check (contact_phone ~ '^[0-9+()./ x-]{3,40}$'),
  constraint partners_agreement_url_check check (agreement_url ~ '^https?://[^[:space:]]+$' and length(agreement_url) <= 2000),
  constraint partners_commission_rate_check check (commission_rate = btrim(commission_rate) and commission_rate <> '' and length(commission_rate) <= 100),
  constraint partners_notes_check check (length(notes) <= 20000),
  constraint partners_audience_overlap_check check (audience_overlap between 1 and 5),
  constraint partners_strategic_value_check check (strategic_value between 1 and 5),
  constraint partners_execution_effort_check check (execution_effort between 1 and 5),
  constraint partners_referrals_made_check check (referrals_made >= 0),
  constraint partners_referrals_received_check check (referrals_received >= 0),
  constraint partners_shared_customers_check check (shared_customers >= 0),
  constraint partners_revenue_attributed_check check (revenue_attributed >= 0),
  constraint partners_version_check check (version >= 1)
);

comment on table public.partners is 'Companies we partner with, each owned by one user.';
comment on column public.partners.commission_rate is 'Free text as agreed, e.g. "10%" or "flat 500".';
comment on column public.partners.referrals_made is 'Derived: live inbound referrals from this partner (kept by triggers on referrals).';
comment on column public.partners.referrals_received is 'Derived: live outbound referrals we sent this partner.';
comment on column public.partners.shared_customers is 'Derived: live shared-customer rows with this partner.';
comment on column public.partners.revenue_attributed is 'Derived: converted inbound deal value + campaign revenue + shared-customer joint revenue.';
comment on column public.partners.score is 'audienceOverlap + strategicValue - executionEffort; null until all three are set.';
comment on column public.partners.search_text is 'Lower-cased text fields, for q= search with a trigram index.';

-- Indexes for the list's filters and sorts; every list excludes deleted rows.
create index partners_owner_idx on public.partners (owner_user_id, status) where deleted_at is null;
create index partners_status_idx on public.partners (status) where deleted_at is null;
create index partners_company_idx on public.partners (company, id) where deleted_at is null;
create index partners_next_review_idx on public.partners (next_review) where deleted_at is null;
create index partners_deleted_idx on public.partners (deleted_at) where deleted_at is not null;
create index partners_search_idx on public.partners using gin (search_text public.gin_trgm_ops);

-- The engagement band of a score (the seed's scoring table).
create function public.engagement(score integer) returns text
language sql immutable parallel safe
as $$
  select case when score is null then null
              when score >= 8 then 'invest'
              when score >= 5 then 'active'
              when score >= 2 then 'lightweight'
              else 'deprioritize' end
$$;

-- The API's JSON for a partner: the one place that names its fields in
-- camelCase and adds the figures derived at read time.
create function public.api_partner(p public.partners) returns json
language sql stable
as $$
  select json_build_object(
    'id', p.id,
    'company', p.company,
    'contactName', p.contact_name,
    'contactEmail', p.contact_email,
    'contactPhone', p.contact_phone,
    'type', p.type,
    'status', p.status,
    'tier', p.tier,
    'ownerUserId', p.owner_user_id,
    'agreementUrl', p.agreement_url,
    'commissionRate', p.commission_rate,
    'integrationStatus', p.integration_status,
    'lastSync', p.last_sync,
    'nextReview', p.next_review,
    'notes', p.notes,
    'audienceOverlap', p.audience_overlap,
    'strategicValue', p.strategic_value,
    'executionEffort', p.execution_effort,
    'score', p.score,
    'engagement', public.engagement(p.score),
    'referralsMade', p.referrals_made,
    'referralsReceived', p.referrals_received,
    'referralBalance', p.referrals_made - p.referrals_received,
    'oneSided', p.referrals_received >= 3 and p.referrals_made = 0,
    'sharedCustomers', p.shared_customers,
    'revenueAttributed', p.revenue_attributed,
    'reviewDue', coalesce(p.next_review <= current_date, false),
    'createdAt', p.created_at,
    'updatedAt', p.updated_at,
    'version', p.version,
    'deletedAt', p.deleted_at)
$$;

create trigger partners_touch before update on public.partners
  for each row execute function public.row_touch(
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text');
create trigger partners_oplog after insert or update on public.partners
  for each row execute function public.oplog_write('partners', 'id',
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text');

-- Ownership: a member sees and writes only the partners they own; an admin
-- all.  WITH CHECK stops a member from giving a partner away (or creating
-- one for someone else).  Forced, so the table owner obeys it too.
alter table public.partners enable row level security;
alter table public.partners force row level security;
create policy partners_owner on public.partners
  using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()))
  with check (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()));

-- The oplog of a partner is readable by whoever can see the partner.
create policy oplog_partner on public.oplog for select
  using (partner_id is not null and exists (select 1 from public.partners p where p.id = oplog.partner_id));

grant select on public.partners to partnerships_app;
grant insert (company, contact_name, contact_email, contact_phone, type, status, tier, owner_user_id,
              agreement_url, commission_rate, integration_status, last_sync, next_review, notes,
              audience_overlap, strategic_value, execution_effort)
  on public.partners to partnerships_app;
grant update (company, contact_name, contact_email, contact_phone, type, status, tier, owner_user_id,
              agreement_url, commission_rate, integration_status, last_sync, next_review, notes,
              audience_overlap, strategic_value, execution_effort, deleted_at)
  on public.partners to partnerships_app;
grant execute on function public.engagement(integer), public.api_partner(public.partners) to partnerships_app;

-- What the API says when a constraint fails (the program loads these at
-- connection time; a constraint without a comment reads "is not valid").
comment on constraint partners_company_check on public.partners is 'must be 1 to 200 characters';
comment on constraint partners_contact_name_check on public.partners is 'must be 1 to 200 characters';
comment on constraint partners_contact_email_check on public.partners is 'must be an email address';
comment on constraint partners_contact_phone_check on public.partners is 'must be a phone number (digits, spaces, + ( ) . / - x)';
comment on constraint partners_agreement_url_check on public.partners is 'must be an http:// or https:// address';
comment on constraint partners_commission_rate_check on public.partners is 'must be at most 100 characters';
comment on constraint partners_notes_check on public.partners is 'must be at most 20000 characters';
comment on constraint partners_audience_overlap_check on public.partners is 'must be from 1 to 5';
comment on constraint partners_strategic_value_check on public.partners is 'must be from 1 to 5';
comment on constraint partners_execution_effort_check on public.partners is 'must be from 1 to 5';
comment on constraint partners_owner_user_id_fkey on public.partners is 'must be the id of a user';
