-- 003_hub: everything attached to a partner (campaigns, referrals,
-- integrations, integration ideas, shared customers, checklists), the
-- built-in templates, the partner figures they feed, and the views of the
-- performance page.
--
-- Every attached table follows the same rules, kept by the triggers below:
--   * owner_user_id is its partner's owner (ideas without a partner: their
--     creator), copied on insert and when the partner is reassigned, so that
--     row-level security is one indexed comparison;
--   * a partner the acting user cannot see cannot be attached to (422 on
--     partnerId: existence does not leak);
--   * deleting a partner soft-deletes its live records (deleted_with_partner
--     marks them), restoring it restores those and only those; restoring a
--     record whose partner is in the trash is a 409;
--   * the partner's derived figures follow every insert, change, delete and
--     restore, by increments applied under the partner's row lock.

create type public.campaign_type as enum
  ('co_marketing', 'webinar', 'blog_post', 'social_swap', 'bundle_promotion', 'event', 'other');
create type public.campaign_status as enum ('planning', 'creating', 'promoting', 'completed', 'archived');
create type public.referral_direction as enum ('inbound', 'outbound');
create type public.referral_status as enum ('introduced', 'qualified', 'converted', 'lost');
create type public.integration_type as enum ('one_way_sync', 'bidirectional_sync', 'embedded', 'webhook', 'sdk');
create type public.health as enum ('healthy', 'at_risk', 'failing', 'unknown');
create type public.idea_priority as enum ('low', 'medium', 'high', 'critical');

comment on type public.campaign_status is 'The campaign lifecycle, in order (the board''s column order).';
comment on type public.referral_direction is 'inbound: the partner sent us a lead; outbound: we sent the partner a lead.';

-- Text checks shared by every table: trimmed, not empty, bounded.
create function public.text_ok(value text, max_length integer) returns boolean
language sql immutable parallel safe
as $$ select value = btrim(value) and value <> '' and length(value) <= max_length $$;

create function public.strings_ok(value jsonb) returns boolean
language sql immutable parallel safe
as $$
  select case when jsonb_typeof(value) <> 'array' then false
              else jsonb_array_length(value) <= 100
                   and not jsonb_path_exists(value, '$[*] ? (@.type() != "string")')
                   and not exists (select 1 from jsonb_array_elements_text(value) e
                                    where btrim(e) = '' or length(e) > 500) end
$$;

-- An object whose values are all texts, small enough to store.
create function public.text_fields_ok(value jsonb) returns boolean
language sql immutable parallel safe
as $$
  select case when jsonb_typeof(value) <> 'object' then false
              else not jsonb_path_exists(value, '$.* ? (@.type() != "string")')
                   and length(value::text) <= 20000 end
$$;

-- ---- templates -----------------------------------------------------------

create table public.templates (
  key           text primary key,
  position      integer not null unique,
  kind          text not null,
  title         text not null,
  header        text,
  placeholders  jsonb not null default '[]',
  items         jsonb not null default '[]',
  body          text
);
comment on table public.templates is
  'The built-in templates of the playbook (tests/api/fixtures/partnerships.txt), word for word; read-only to the application.';
comment on column public.templates.header is 'A line of fields above the checklist, e.g. "Partner: [name], Topic: [topic], Date: [date]".';
comment on column public.templates.placeholders is 'The [bracketed] placeholders of header, items and body, in order.';
comment on column public.templates.body is 'A text template (the intro request), with [bracketed] placeholders.';

insert into public.templates (key, position, kind, title, header, placeholders, items, body) values
('joint_webinar', 1, 'campaign', 'Joint Webinar Template', 'Partner: [name], Topic: [topic], Date: [date]',
 '["name", "topic", "date"]',
 '["Agree on topic and audience", "Create shared landing page", "Draft email sequences (both sides)",
   "Prepare slides / content", "Promote to respective audiences", "Host event", "Share leads and follow up",
   "Measure results and debrief"]', null),
('joint_blog_post', 2, 'campaign', 'Joint Blog Post Template', null, '[]',
 '["Agree on topic and angle", "Decide: co-authored or guest post exchange?", "Draft and review",
   "Cross-publish / cross-link", "Promote on social (tag each other)"]', null),
('social_media_swap', 3, 'campaign', 'Social Media Swap Template', null, '[]',
 '["Exchange brand assets and messaging", "Agree on posting schedule",
   "Create posts highlighting each other''s product", "Track engagement metrics"]', null),
('bundle_promotion', 4, 'campaign', 'Bundle / Discount Promotion Template', null, '[]',
 '["Define bundle offer (your product + theirs)", "Set discount structure and revenue split",
   "Create co-branded landing page", "Agree on promotion window", "Track redemptions by partner"]', null),
('integration_discovery', 5, 'integration', 'Phase 1: Discovery (1-2 weeks)', null, '[]',
 '["Technical call: understand their API and data model", "Map use cases: what do shared customers need?",
   "Define scope: one-way sync? bidirectional? embedded?", "Agree on timeline and resources"]', null),
('integration_build', 6, 'integration', 'Phase 2: Build (2-8 weeks)', null, '[]',
 '["Exchange API credentials / sandbox access", "Define data mapping and transformation rules",
   "Build integration (webhooks, polling, or SDK)", "Handle auth (OAuth, API keys, JWT)",
   "Error handling and retry logic", "Write tests"]', null),
('integration_test', 7, 'integration', 'Phase 3: Test (1-2 weeks)', null, '[]',
 '["End-to-end testing in sandbox", "Invite beta customers to test", "Fix edge cases", "Load test if applicable"]',
 null),
('integration_launch', 8, 'integration', 'Phase 4: Launch (1 week)', null, '[]',
 '["Co-create announcement (blog, email, social)", "Update respective marketplaces / directories",
   "Enable for all customers", "Monitor for errors"]', null),
('integration_maintain', 9, 'integration', 'Phase 5: Maintain (ongoing)', null, '[]',
 '["Monthly health check on error rates", "API version updates", "Quarterly sync on feature requests",
   "Track shared customer growth"]', null),
('referral_agreement', 10, 'referral', 'Referral Agreement Template', null, '["Your Company", "Partner"]',
 '["Parties: [Your Company] and [Partner]", "Scope: mutual referral of qualified leads",
   "Commission: X% of first-year revenue (or flat fee)", "Tracking: referral code / UTM / intro email CC",
   "Payment terms: net 30 after customer pays", "Duration: 12 months, auto-renew",
   "Exclusions: existing pipeline, self-sourced leads"]', null),
('intro_request', 11, 'referral', 'Intro Request Template', null,
 '["Partner Contact", "Lead Name", "Lead Company", "what partner provides", "context on the lead"]', '[]',
 E'Hi [Partner Contact],\nWould love to introduce [Lead Name] at [Lead Company] to you.\nThey''re looking for [what partner provides] and I think you''d\nbe a great fit. Want me to make the intro?\n[context on the lead]'),
('cross_sell', 12, 'customer_sharing', 'Cross-Sell Playbook', null, '[]',
 '["Identify overlapping customer base", "Agree on messaging: how to position each other''s product",
   "Create shared onboarding flow for mutual customers", "Set up revenue attribution and reporting",
   "Monthly sync on shared customer health"]', null),
('bundle_offer', 13, 'customer_sharing', 'Bundle Offer Template', null, '["X%/Y%"]',
 '["Your product + their product at combined discount", "Revenue split: [X%/Y%]", "Co-branded landing page",
   "Shared success metrics"]', null),
('new_partner', 14, 'onboarding', 'New Partner Checklist', null, '[]',
 '["Introductory call completed", "Mutual value proposition defined (what each side gets)",
   "Partnership type classified (co-marketing, integration, referral, etc.)", "Agreement / MOU signed",
   "Partner added to CRM (partners/ entity created)", "Shared Slack channel or communication channel set up",
   "First joint activity scheduled", "Success metrics agreed upon", "Quarterly review cadence set"]', null),
('partner_offboarding', 15, 'offboarding', 'Partner Offboarding', null, '[]',
 '["Notify shared customers (if applicable)", "Disable integrations", "Final commission settlement",
   "Update partner status to \"churned\"", "Retrospective: what worked, what didn''t"]', null),
('quarterly_review', 16, 'review', 'Quarterly Review Template', null, '[]',
 '["What worked this quarter", "Key metrics vs targets", "Customer feedback on integration/partnership",
   "Next quarter priorities", "Expansion opportunities"]', null);

create function public.api_template(t public.templates) returns json
language sql stable
as $$
  select json_build_object('key', t.key, 'kind', t.kind, 'title', t.title, 'header', t.header,
                           'placeholders', t.placeholders, 'items', t.items, 'body', t.body)
$$;

-- ---- the attached tables -------------------------------------------------

create table public.campaigns (
  id                    text primary key default public.nanoid(),
  partner_id            text not null references public.partners (id),
  owner_user_id         text not null default public.current_user_id() references public.users (id),
  name                  text not null,
  type                  public.campaign_type not null,
  channel               text,
  status                public.campaign_status not null default 'planning',
  start_date            date,
  end_date              date,
  budget                numeric(14, 2),
  budget_split          text,
  leads                 integer not null default 0,
  conversions           integer not null default 0,
  revenue               numeric(14, 2) not null default 0,
  roi                   numeric(14, 4) generated always as
                          (case when budget > 0 then round((revenue - budget) / budget, 4) end) stored,
  deliverables          jsonb not null default '[]',
  notes                 text,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1,
  deleted_at            timestamptz,
  deleted_with_partner  boolean not null default false,
  search_text           text generated always as (lower(
                          name || ' ' || coalesce(channel, '') || ' ' || coalesce(budget_split, '') || ' ' ||
                          coalesce(notes, ''))) stored,
  constraint campaigns_name_check check (public.text_ok(name, 200)),
  constraint campaigns_channel_check check (public.text_ok(channel, 200)),
  constraint campaigns_end_date_check check (end_date >= start_date),
  constraint campaigns_budget_check check (budget >= 0),
  constraint campaigns_budget_split_check check (public.text_ok(budget_split, 100)),
  constraint campaigns_leads_check check (leads >= 0),
  constraint campaigns_conversions_check check (conversions >= 0),
  constraint campaigns_revenue_check check (revenue >= 0),
  constraint campaigns_deliverables_check check (public.strings_ok(deliverables)),
  constraint campaigns_notes_check check (length(notes) <= 20000)
);
comment on table public.campaigns is 'Co-marketing campaigns run with a partner.';
comment on column public.campaigns.roi is '(revenue - budget) / budget; null without a budget.';

create table public.referrals (
  id                    text primary key default public.nanoid(),
  partner_id            text not null references public.partners (id),
  owner_user_id         text not null default public.current_user_id() references public.users (id),
  direction             public.referral_direction not null,
  lead_name             text not null,
  lead_company          text,
  lead_email            text,
  status                public.referral_status not null default 'introduced',
  deal_value            numeric(14, 2),
  commission_amount     numeric(14, 2),
  commission_paid       boolean not null default false,
  referred_date         date not null default current_date,
  converted_date        date,
  lead_opt_in           boolean not null default false,
  partner_opt_in        boolean not null default false,
  notes                 text,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1,
  deleted_at            timestamptz,
  deleted_with_partner  boolean not null default false,
  search_text           text generated always as (lower(
                          lead_name || ' ' || coalesce(lead_company, '') || ' ' || coalesce(lead_email, '') || ' ' ||
                          coalesce(notes, ''))) stored,
  constraint referrals_lead_name_check check (public.text_ok(lead_name, 200)),
  constraint referrals_lead_company_check check (public.text_ok(lead_company, 200)),
  constraint referrals_lead_email_check check (lead_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and length(lead_email) <= 254),
  constraint referrals_deal_value_check check (deal_value >= 0),
  constraint referrals_commission_amount_check check (commission_amount >= 0),
  constraint referrals_converted_date_check check (converted_date >= referred_date),
  constraint referrals_notes_check check (length(notes) <= 20000)
);
comment on table public.referrals is 'Leads exchanged with a partner, in both directions.';
comment on column public.referrals.converted_date is 'Set by the database to the day status becomes converted, unless given.';
comment on column public.referrals.lead_opt_in is 'Outbound intros: the lead agreed to be introduced (double opt-in).';
comment on column public.referrals.partner_opt_in is 'Outbound intros: the partner agreed to the introduction (double opt-in).';

create table public.integrations (
  id                    text primary key default public.nanoid(),
  partner_id            text not null references public.partners (id),
  owner_user_id         text not null default public.current_user_id() references public.users (id),
  name                  text not null,
  type                  public.integration_type,
  status                public.integration_status not null default 'discovery',
  api_version           text,
  shared_customers      integer,
  health                public.health not null default 'unknown',
  error_rate            numeric(5, 2),
  last_sync             timestamptz,
  notes                 text,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1,
  deleted_at            timestamptz,
  deleted_with_partner  boolean not null default false,
  search_text           text generated always as (lower(
                          name || ' ' || coalesce(api_version, '') || ' ' || coalesce(notes, ''))) stored,
  constraint integrations_name_check check (public.text_ok(name, 200)),
  constraint integrations_api_version_check check (public.text_ok(api_version, 50)),
  constraint integrations_shared_customers_check check (shared_customers >= 0),
  constraint integrations_error_rate_check check (error_rate between 0 and 100),
  constraint integrations_notes_check check (length(notes) <= 20000)
);
comment on table public.integrations is 'Technical integrations built with a partner.';
comment on column public.integrations.error_rate is 'Percent of failing calls, 0 to 100.';

create table public.integration_ideas (
  id                       text primary key default public.nanoid(),
  partner_id               text references public.partners (id),
  owner_user_id            text not null default public.current_user_id() references public.users (id),
  description              text not null,
  customer_request_count   integer not null default 0,
  effort                   smallint,
  priority                 public.idea_priority not null default 'medium',
  notes                    text,
  created_at               timestamptz not null default now(),
  updated_at               timestamptz not null default now(),
  version                  integer not null default 1,
  deleted_at               timestamptz,
  deleted_with_partner     boolean not null default false,
  search_text              text generated always as (lower(description || ' ' || coalesce(notes, ''))) stored,
  constraint integration_ideas_description_check check (public.text_ok(description, 2000)),
  constraint integration_ideas_customer_request_count_check check (customer_request_count >= 0),
  constraint integration_ideas_effort_check check (effort between 1 and 5),
  constraint integration_ideas_notes_check check (length(notes) <= 20000)
);
comment on table public.integration_ideas is 'The integrations backlog; ideas without a partner belong to their creator.';

create table public.shared_customers (
  id                    text primary key default public.nanoid(),
  partner_id            text not null references public.partners (id),
  owner_user_id         text not null default public.current_user_id() references public.users (id),
  customer              text not null,
  your_product          text,
  partner_product       text,
  joint_revenue         numeric(14, 2),
  health                public.health not null default 'unknown',
  notes                 text,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1,
  deleted_at            timestamptz,
  deleted_with_partner  boolean not null default false,
  search_text           text generated always as (lower(
                          customer || ' ' || coalesce(your_product, '') || ' ' || coalesce(partner_product, '') || ' ' ||
                          coalesce(notes, ''))) stored,
  constraint shared_customers_customer_check check (public.text_ok(customer, 200)),
  constraint shared_customers_your_product_check check (public.text_ok(your_product, 200)),
  constraint shared_customers_partner_product_check check (public.text_ok(partner_product, 200)),
  constraint shared_customers_joint_revenue_check check (joint_revenue >= 0),
  constraint shared_customers_notes_check check (length(notes) <= 20000)
);
comment on table public.shared_customers is 'Customers we share with a partner (the cross-sell map).';

create table public.checklists (
  id                    text primary key default public.nanoid(),
  partner_id            text not null references public.partners (id),
  owner_user_id         text not null default public.current_user_id() references public.users (id),
  template_key          text references public.templates (key),
  title                 text not null,
  campaign_id           text references public.campaigns (id),
  integration_id        text references public.integrations (id),
  items                 jsonb not null default '[]',
  fields                jsonb not null default '{}',
  notes                 text,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1,
  deleted_at            timestamptz,
  deleted_with_partner  boolean not null default false,
  search_text           text generated always as (lower(title || ' ' || coalesce(notes, ''))) stored,
  constraint checklists_title_check check (public.text_ok(title, 200)),
  constraint checklists_items_check check (case when jsonb_typeof(items) = 'array' then jsonb_array_length(items) <= 200 else false end),
  constraint checklists_fields_check check (public.text_fields_ok(fields)),
  constraint checklists_notes_check check (length(notes) <= 20000)
);
comment on table public.checklists is 'A template (or a list of one''s own) being worked through for a partner.';
comment on column public.checklists.items is '[{"text", "done", "doneAt", "doneBy"}]: doneAt and doneBy are kept by the database.';
comment on column public.checklists.fields is 'Values for the template''s placeholders, e.g. {"topic": "…", "date": "…"}.';

-- Lists: live rows by partner and by owner; the trash; search.
create index campaigns_partner_idx on public.campaigns (partner_id) where deleted_at is null;
create index campaigns_owner_idx on public.campaigns (owner_user_id, status) where deleted_at is null;
create index campaigns_status_idx on public.campaigns (status, start_date) where deleted_at is null;
create index campaigns_search_idx on public.campaigns using gin (search_text public.gin_trgm_ops);
create index referrals_partner_idx on public.referrals (partner_id, direction, referred_date) where deleted_at is null;
create index referrals_owner_idx on public.referrals (owner_user_id, direction) where deleted_at is null;
create index referrals_date_idx on public.referrals (referred_date, id) where deleted_at is null;
create index referrals_search_idx on public.referrals using gin (search_text public.gin_trgm_ops);
create index integrations_partner_idx on public.integrations (partner_id) where deleted_at is null;
create index integrations_owner_idx on public.integrations (owner_user_id, status) where deleted_at is null;
create index integrations_search_idx on public.integrations using gin (search_text public.gin_trgm_ops);
create index integration_ideas_partner_idx on public.integration_ideas (partner_id) where deleted_at is null;
create index integration_ideas_requests_idx on public.integration_ideas (customer_request_count desc, id) where deleted_at is null;
create index integration_ideas_owner_idx on public.integration_ideas (owner_user_id) where deleted_at is null;
create index integration_ideas_search_idx on public.integration_ideas using gin (search_text public.gin_trgm_ops);
create index shared_customers_partner_idx on public.shared_customers (partner_id) where deleted_at is null;
create index shared_customers_owner_idx on public.shared_customers (owner_user_id) where deleted_at is null;
create index shared_customers_search_idx on public.shared_customers using gin (search_text public.gin_trgm_ops);
create index checklists_partner_idx on public.checklists (partner_id) where deleted_at is null;
create index checklists_owner_idx on public.checklists (owner_user_id) where deleted_at is null;
create index checklists_search_idx on public.checklists using gin (search_text public.gin_trgm_ops);
create index checklists_campaign_idx on public.checklists (campaign_id) where campaign_id is not null;
create index checklists_integration_idx on public.checklists (integration_id) where integration_id is not null;

-- ---- attachment, ownership and restore -----------------------------------

-- BEFORE INSERT OR UPDATE on every attached table.  Runs as the acting user,
-- so that the partner lookup obeys row-level security: a partner the user
-- cannot see (or one in the trash) is refused as if it did not exist.
create function public.attached_guard() returns trigger
language plpgsql
as $$
declare
  partner_owner text;
begin
  if TG_OP = 'INSERT' or new.partner_id is distinct from old.partner_id then
    if new.partner_id is null then
      -- Ideas without a partner belong to their creator (or keep their owner).
      new.owner_user_id := case when TG_OP = 'INSERT' then public.current_user_id() else old.owner_user_id end;
    else
      select p.owner_user_id into partner_owner
        from public.partners p where p.id = new.partner_id and p.deleted_at is null;
      if not found then
        raise exception 'must be the id of a partner' using errcode = 'PT422', column = 'partner_id';
      end if;
      new.owner_user_id := partner_owner;
    end if;
  end if;
  if TG_OP = 'UPDATE' and old.deleted_at is not null and new.deleted_at is null then
    if exists (select 1 from public.partners p where p.id = new.partner_id and p.deleted_at is not null) then
      raise exception 'its partner is in the trash: restore the partner first' using errcode = 'PT409';
    end if;
    new.deleted_with_partner := false;
  end if;
  return new;
end
$$;

-- The attached tables: API collection, the columns left out of version and
-- oplog (kept by the database), and whether rows feed the partner figures.
create function public.attached_tables()
returns table (table_name text, collection text, derived text[], feeds_partner boolean)
language sql immutable
as $$
  values ('campaigns', 'campaigns', array['owner_user_id', 'deleted_with_partner', 'roi', 'search_text'], true),
         ('referrals', 'referrals', array['owner_user_id', 'deleted_with_partner', 'search_text'], true),
         ('integrations', 'integrations', array['owner_user_id', 'deleted_with_partner', 'search_text'], false),
         -- An idea shows its owner (it may have no partner): a change of owner is logged.
         ('integration_ideas', 'integration-ideas', array['deleted_with_partner', 'search_text'], false),
         ('shared_customers', 'shared-customers', array['owner_user_id', 'deleted_with_partner', 'search_text'], true),
         ('checklists', 'checklists', array['owner_user_id', 'deleted_with_partner', 'search_text'], false)
$$;

-- AFTER UPDATE OF owner_user_id, deleted_at on partners: attached records
-- follow their partner to a new owner, into the trash and back.  Runs as
-- the owner of the tables (row-level security still applies: it is forced).
create function public.partner_cascade() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  attached text;
begin
  for attached in select a.table_name from public.attached_tables() a loop
    if new.owner_user_id is distinct from old.owner_user_id then
      execute format('update public.%I set owner_user_id = $1 where partner_id = $2', attached)
        using new.owner_user_id, new.id;
    end if;
    if old.deleted_at is null and new.deleted_at is not null then
      execute format('update public.%I set deleted_at = $1, deleted_with_partner = true'
                     ' where partner_id = $2 and deleted_at is null', attached)
        using new.deleted_at, new.id;
    elsif old.deleted_at is not null and new.deleted_at is null then
      execute format('update public.%I set deleted_at = null where partner_id = $1 and deleted_with_partner', attached)
        using new.id;
    end if;
  end loop;
  return null;
end
$$;
create trigger partners_cascade after update of owner_user_id, deleted_at on public.partners
  for each row execute function public.partner_cascade();

-- ---- the partner's derived figures ---------------------------------------

-- Adds to a partner's figures.  An increment (x = x + d) taken under the
-- row lock of the UPDATE is exact however many writers run at once.
create function public.partner_figures_add(p_partner text, p_made integer, p_received integer,
                                           p_shared integer, p_revenue numeric)
returns void
language sql security definer set search_path = ''
as $$
  update public.partners
     set referrals_made = referrals_made + p_made,
         referrals_received = referrals_received + p_received,
         shared_customers = shared_customers + p_shared,
         revenue_attributed = revenue_attributed + p_revenue
   where id = p_partner
$$;

-- AFTER INSERT OR UPDATE on referrals, campaigns and shared customers: what
-- the row counted for before and counts for now (nothing while deleted),
-- applied as differences to the partner(s) concerned, in id order so that
-- two writers never wait on each other's partners crosswise.
create function public.partner_figures_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  -- made, received, shared, revenue
  before numeric[] := array[0, 0, 0, 0];
  after numeric[] := array[0, 0, 0, 0];
  old_partner text;
begin
  if TG_OP = 'UPDATE' then
    before := public.partner_contribution(TG_TABLE_NAME, to_jsonb(old));
    old_partner := old.partner_id;
  end if;
  after := public.partner_contribution(TG_TABLE_NAME, to_jsonb(new));
  if old_partner is null or old_partner = new.partner_id then
    if before is distinct from after then
      perform public.partner_figures_add(new.partner_id, (after[1] - before[1])::integer,
        (after[2] - before[2])::integer, (after[3] - before[3])::integer, after[4] - before[4]);
    end if;
  elsif old_partner < new.partner_id then
    perform public.partner_figures_add(old_partner, -before[1]::integer, -before[2]::integer, -before[3]::integer, -before[4]);
    perform public.partner_figures_add(new.partner_id, after[1]::integer, after[2]::integer, after[3]::integer, after[4]);
  else
    perform public.partner_figures_add(new.partner_id, after[1]::integer, after[2]::integer, after[3]::integer, after[4]);
    perform public.partner_figures_add(old_partner, -before[1]::integer, -before[2]::integer, -before[3]::integer, -before[4]);
  end if;
  return null;
end
$$;

-- What one row adds to its partner's figures (sql/README.md "Partner"):
-- {referralsMade, referralsReceived, sharedCustomers, revenueAttributed}.
create function public.partner_contribution(source text, r jsonb) returns numeric[]
language sql immutable
as $$
  select case
    when r ->> 'deleted_at' is not null then array[0, 0, 0, 0]::numeric[]
    when source = 'referrals' then array[
      (r ->> 'direction' = 'inbound')::integer, (r ->> 'direction' = 'outbound')::integer, 0,
      case when r ->> 'direction' = 'inbound' and r ->> 'status' = 'converted'
           then coalesce((r ->> 'deal_value')::numeric, 0) else 0 end]::numeric[]
    when source = 'campaigns' then array[0, 0, 0, coalesce((r ->> 'revenue')::numeric, 0)]::numeric[]
    when source = 'shared_customers' then array[0, 0, 1, coalesce((r ->> 'joint_revenue')::numeric, 0)]::numeric[]
  end
$$;

-- A recount from the rows: what the figures must equal (tests compare).
create function public.partner_figures_recount(p_partner text)
returns table (referrals_made bigint, referrals_received bigint, shared_customers bigint, revenue_attributed numeric)
language sql stable
as $$
  select (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null and r.direction = 'inbound'),
         (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null and r.direction = 'outbound'),
         (select count(*) from public.shared_customers s where s.partner_id = p_partner and s.deleted_at is null),
         coalesce((select sum(r.deal_value) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null
                     and r.direction = 'inbound' and r.status = 'converted'), 0)
       + coalesce((select sum(c.revenue) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null), 0)
       + coalesce((select sum(s.joint_revenue) from public.shared_customers s where s.partner_id = p_partner and s.deleted_at is null), 0)
$$;

-- ---- per-table rules -----------------------------------------------------

-- A referral becomes converted: the day is recorded unless given.
create function public.referral_converted() returns trigger
language plpgsql
as $$
begin
  if new.status = 'converted' and new.converted_date is null
     and (TG_OP = 'INSERT' or old.status is distinct from 'converted') then
    new.converted_date := greatest(current_date, new.referred_date);
  end if;
  return new;
end
$$;

-- A checklist: made from its template when no items are given; a linked
-- campaign or integration belongs to the same partner; items are
-- {"text", "done"} and the database records who checked each one and when.
create function public.checklist_items() returns trigger
language plpgsql
as $$
declare
  template public.templates;
  item jsonb;
  previous jsonb;
  result jsonb := '[]';
  i integer := 0;
begin
  if TG_OP = 'INSERT' and new.template_key is not null then
    select * into template from public.templates t where t.key = new.template_key;
    if found then
      new.title := coalesce(new.title, template.title);
      if new.items = '[]'::jsonb then
        select coalesce(jsonb_agg(jsonb_build_object('text', e.text, 'done', false) order by e.n), '[]')
          into new.items from jsonb_array_elements_text(template.items) with ordinality e(text, n);
      end if;
    end if;
  end if;
  if TG_OP = 'UPDATE' and new.template_key is distinct from old.template_key then
    raise exception 'cannot be changed' using errcode = 'PT422', column = 'template_key';
  end if;
  if new.campaign_id is not null and (TG_OP = 'INSERT' or new.campaign_id is distinct from old.campaign_id
                                      or new.partner_id is distinct from old.partner_id)
     and not exists (select 1 from public.campaigns c where c.id = new.campaign_id and c.partner_id = new.partner_id) then
    raise exception 'must be a campaign of the same partner' using errcode = 'PT422', column = 'campaign_id';
  end if;
  if new.integration_id is not null and (TG_OP = 'INSERT' or new.integration_id is distinct from old.integration_id
                                         or new.partner_id is distinct from old.partner_id)
     and not exists (select 1 from public.integrations g where g.id = new.integration_id and g.partner_id = new.partner_id) then
    raise exception 'must be an integration of the same partner' using errcode = 'PT422', column = 'integration_id';
  end if;
  if jsonb_typeof(new.items) <> 'array' then
    raise exception 'must be a list of items' using errcode = 'PT422', column = 'items';
  end if;
  for item in select value from jsonb_array_elements(new.items) loop
    if jsonb_typeof(item) <> 'object' or jsonb_typeof(item -> 'text') is distinct from 'string'
       or not public.text_ok(item ->> 'text', 500)
       or coalesce(jsonb_typeof(item -> 'done'), 'boolean') <> 'boolean'
       or exists (select 1 from jsonb_object_keys(item) k where k not in ('text', 'done', 'doneAt', 'doneBy')) then
      raise exception 'must be a list of {"text", "done"} with texts of 1 to 500 characters'
        using errcode = 'PT422', column = 'items';
    end if;
    previous := case when TG_OP = 'UPDATE' then old.items -> i end;
    if coalesce((item ->> 'done')::boolean, false) then
      if previous is not null and (previous ->> 'done')::boolean and previous ->> 'text' = item ->> 'text' then
        item := jsonb_build_object('text', item ->> 'text', 'done', true,
                                   'doneAt', previous -> 'doneAt', 'doneBy', previous -> 'doneBy');
      else
        item := jsonb_build_object('text', item ->> 'text', 'done', true,
                                   'doneAt', to_jsonb(now()), 'doneBy', to_jsonb(public.current_user_id()));
      end if;
    else
      item := jsonb_build_object('text', item ->> 'text', 'done', false, 'doneAt', null, 'doneBy', null);
    end if;
    result := result || jsonb_build_array(item);
    i := i + 1;
  end loop;
  new.items := result;
  return new;
end
$$;

-- ---- the API's JSON of each record -----------------------------------------

create function public.api_campaign(c public.campaigns) returns json
language sql stable
as $$
  select json_build_object(
    'id', c.id, 'partnerId', c.partner_id, 'name', c.name, 'type', c.type, 'channel', c.channel,
    'status', c.status, 'startDate', c.start_date, 'endDate', c.end_date, 'budget', c.budget,
    'budgetSplit', c.budget_split, 'leads', c.leads, 'conversions', c.conversions, 'revenue', c.revenue,
    'roi', c.roi,
    'deliverables', c.deliverables, 'notes', c.notes,
    'createdAt', c.created_at, 'updatedAt', c.updated_at, 'version', c.version, 'deletedAt', c.deleted_at)
$$;

create function public.api_referral(r public.referrals) returns json
language sql stable
as $$
  select json_build_object(
    'id', r.id, 'partnerId', r.partner_id, 'direction', r.direction, 'leadName', r.lead_name,
    'leadCompany', r.lead_company, 'leadEmail', r.lead_email, 'status', r.status, 'dealValue', r.deal_value,
    'commissionAmount', r.commission_amount, 'commissionPaid', r.commission_paid,
    'referredDate', r.referred_date, 'convertedDate', r.converted_date,
    'leadOptIn', r.lead_opt_in, 'partnerOptIn', r.partner_opt_in,
    'reciprocated', case when r.direction = 'outbound' then exists (
      select 1 from public.referrals i
       where i.partner_id = r.partner_id and i.direction = 'inbound' and i.deleted_at is null
         and i.referred_date >= r.referred_date) end,
    'notes', r.notes,
    'createdAt', r.created_at, 'updatedAt', r.updated_at, 'version', r.version, 'deletedAt', r.deleted_at)
$$;

create function public.api_integration(g public.integrations) returns json
language sql stable
as $$
  select json_build_object(
    'id', g.id, 'partnerId', g.partner_id, 'name', g.name, 'type', g.type, 'status', g.status,
    'apiVersion', g.api_version, 'sharedCustomers', g.shared_customers, 'health', g.health,
    'errorRate', g.error_rate, 'lastSync', g.last_sync, 'notes', g.notes,
    'createdAt', g.created_at, 'updatedAt', g.updated_at, 'version', g.version, 'deletedAt', g.deleted_at)
$$;

create function public.api_integration_idea(i public.integration_ideas) returns json
language sql stable
as $$
  select json_build_object(
    'id', i.id, 'partnerId', i.partner_id, 'ownerUserId', i.owner_user_id, 'description', i.description,
    'customerRequestCount', i.customer_request_count, 'effort', i.effort, 'priority', i.priority, 'notes', i.notes,
    'createdAt', i.created_at, 'updatedAt', i.updated_at, 'version', i.version, 'deletedAt', i.deleted_at)
$$;

create function public.api_shared_customer(s public.shared_customers) returns json
language sql stable
as $$
  select json_build_object(
    'id', s.id, 'partnerId', s.partner_id, 'customer', s.customer, 'yourProduct', s.your_product,
    'partnerProduct', s.partner_product, 'jointRevenue', s.joint_revenue, 'health', s.health, 'notes', s.notes,
    'createdAt', s.created_at, 'updatedAt', s.updated_at, 'version', s.version, 'deletedAt', s.deleted_at)
$$;

create function public.api_checklist(c public.checklists) returns json
language sql stable
as $$
  select json_build_object(
    'id', c.id, 'partnerId', c.partner_id, 'templateKey', c.template_key, 'title', c.title,
    'campaignId', c.campaign_id, 'integrationId', c.integration_id, 'items', c.items, 'fields', c.fields,
    'done', (select count(*) from jsonb_array_elements(c.items) e where (e ->> 'done')::boolean),
    'total', jsonb_array_length(c.items),
    'notes', c.notes,
    'createdAt', c.created_at, 'updatedAt', c.updated_at, 'version', c.version, 'deletedAt', c.deleted_at)
$$;

-- ---- triggers and row-level security ------------------------------------

-- The same rules on every attached table (BEFORE triggers fire in name
-- order: guard, then the table's own rules, then touch).  Row-level
-- security is forced, so the tables' owner obeys it too.
do $$
declare
  a record;
  derived text;
begin
  for a in select * from public.attached_tables() loop
    derived := (select string_agg(quote_literal(d), ', ') from unnest(a.derived) d);
    execute format('create trigger %I before insert or update on public.%I'
                   ' for each row execute function public.attached_guard()', a.table_name || '_guard', a.table_name);
    execute format('create trigger %I before update on public.%I'
                   ' for each row execute function public.row_touch(%s)', a.table_name || '_touch', a.table_name, derived);
    execute format('create trigger %I after insert or update on public.%I'
                   ' for each row execute function public.oplog_write(%L, %L, %s)',
                   a.table_name || '_oplog', a.table_name, a.collection, 'partner_id', derived);
    if a.feeds_partner then
      execute format('create trigger %I after insert or update on public.%I'
                     ' for each row execute function public.partner_figures_follow()',
                     a.table_name || '_figures', a.table_name);
    end if;
    execute format('alter table public.%I enable row level security', a.table_name);
    execute format('alter table public.%I force row level security', a.table_name);
    execute format('create policy %I on public.%I'
                   ' using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()))'
                   ' with check (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()))',
                   a.table_name || '_owner', a.table_name);
  end loop;
end
$$;

create trigger referrals_converted before insert or update of status on public.referrals
  for each row execute function public.referral_converted();
create trigger checklists_items before insert or update on public.checklists
  for each row execute function public.checklist_items();

-- The history of an idea without a partner is its owner's to read.
create policy oplog_own_idea on public.oplog for select
  using (entity = 'integration-ideas' and partner_id is null
         and exists (select 1 from public.integration_ideas i where i.id = oplog.record_id));

-- ---- the performance page ------------------------------------------------

-- Per partner: referrals both ways, revenue, campaigns, shared customers,
-- campaign ROI (revenue against budget over campaigns with a budget),
-- score and engagement.  security_invoker: the partners' row-level
-- security applies to whoever reads it.
create view public.partner_performance with (security_invoker = true) as
select p.id,
       p.id as partner_id,
       p.company,
       p.type,
       p.status,
       p.owner_user_id,
       p.referrals_made + p.referrals_received as referrals,
       p.revenue_attributed as revenue,
       coalesce(c.campaigns, 0) as campaigns,
       p.shared_customers,
       case when c.budget > 0 then round((c.budgeted_revenue - c.budget) / c.budget, 4) end as roi,
       p.score,
       public.engagement(p.score) as engagement,
       p.search_text,
       p.deleted_at
  from public.partners p
  left join lateral (
    select count(*) as campaigns, sum(x.budget) as budget,
           sum(x.revenue) filter (where x.budget is not null) as budgeted_revenue
      from public.campaigns x where x.partner_id = p.id and x.deleted_at is null) c on true
 where p.deleted_at is null;
comment on view public.partner_performance is 'The performance table: one row per live partner, with computed metrics.';

create function public.api_performance(v public.partner_performance) returns json
language sql stable
as $$
  select json_build_object(
    'partnerId', v.partner_id, 'company', v.company, 'type', v.type, 'status', v.status,
    'ownerUserId', v.owner_user_id, 'referrals', v.referrals, 'revenue', v.revenue, 'campaigns', v.campaigns,
    'sharedCustomers', v.shared_customers, 'roi', v.roi, 'score', v.score, 'engagement', v.engagement)
$$;

-- ---- privileges ----------------------------------------------------------

grant select on public.templates, public.campaigns, public.referrals, public.integrations,
  public.integration_ideas, public.shared_customers, public.checklists, public.partner_performance
  to partnerships_app;
grant insert (partner_id, name, type, channel, status, start_date, end_date, budget, budget_split, leads,
              conversions, revenue, deliverables, notes) on public.campaigns to partnerships_app;
grant update (partner_id, name, type, channel, status, start_date, end_date, budget, budget_split, leads,
              conversions, revenue, deliverables, notes, deleted_at) on public.campaigns to partnerships_app;
grant insert (partner_id, direction, lead_name, lead_company, lead_email, status, deal_value, commission_amount,
              commission_paid, referred_date, converted_date, lead_opt_in, partner_opt_in, notes)
  on public.referrals to partnerships_app;
grant update (partner_id, direction, lead_name, lead_company, lead_email, status, deal_value, commission_amount,
              commission_paid, referred_date, converted_date, lead_opt_in, partner_opt_in, notes, deleted_at)
  on public.referrals to partnerships_app;
grant insert (partner_id, name, type, status, api_version, shared_customers, health, error_rate, last_sync, notes)
  on public.integrations to partnerships_app;
grant update (partner_id, name, type, status, api_version, shared_customers, health, error_rate, last_sync, notes,
              deleted_at) on public.integrations to partnerships_app;
grant insert (partner_id, description, customer_request_count, effort, priority, notes)
  on public.integration_ideas to partnerships_app;
grant update (partner_id, description, customer_request_count, effort, priority, notes, deleted_at)
  on public.integration_ideas to partnerships_app;
grant insert (partner_id, customer, your_product, partner_product, joint_revenue, health, notes)
  on public.shared_customers to partnerships_app;
grant update (partner_id, customer, your_product, partner_product, joint_revenue, health, notes, deleted_at)
  on public.shared_customers to partnerships_app;
grant insert (partner_id, template_key, title, campaign_id, integration_id, items, fields, notes)
  on public.checklists to partnerships_app;
grant update (partner_id, template_key, title, campaign_id, integration_id, items, fields, notes, deleted_at)
  on public.checklists to partnerships_app;
grant execute on function
  public.text_ok(text, integer), public.strings_ok(jsonb), public.text_fields_ok(jsonb), public.api_template(public.templates),
  public.api_campaign(public.campaigns), public.api_referral(public.referrals),
  public.api_integration(public.integrations), public.api_integration_idea(public.integration_ideas),
  public.api_shared_customer(public.shared_customers), public.api_checklist(public.checklists),
  public.api_performance(public.partner_performance), public.partner_figures_recount(text)
  to partnerships_app;

-- ---- what the API says when a rule fails ---------------------------------

comment on constraint campaigns_name_check on public.campaigns is 'must be 1 to 200 characters';
comment on constraint campaigns_channel_check on public.campaigns is 'must be at most 200 characters';
comment on constraint campaigns_end_date_check on public.campaigns is 'must not be before the start date';
comment on constraint campaigns_budget_check on public.campaigns is 'must not be negative';
comment on constraint campaigns_budget_split_check on public.campaigns is 'must be at most 100 characters';
comment on constraint campaigns_leads_check on public.campaigns is 'must not be negative';
comment on constraint campaigns_conversions_check on public.campaigns is 'must not be negative';
comment on constraint campaigns_revenue_check on public.campaigns is 'must not be negative';
comment on constraint campaigns_deliverables_check on public.campaigns is 'must be a list of at most 100 texts of 1 to 500 characters';
comment on constraint campaigns_notes_check on public.campaigns is 'must be at most 20000 characters';
comment on constraint referrals_lead_name_check on public.referrals is 'must be 1 to 200 characters';
comment on constraint referrals_lead_company_check on public.referrals is 'must be at most 200 characters';
comment on constraint referrals_lead_email_check on public.referrals is 'must be an email address';
comment on constraint referrals_deal_value_check on public.referrals is 'must not be negative';
comment on constraint referrals_commission_amount_check on public.referrals is 'must not be negative';
comment on constraint referrals_converted_date_check on public.referrals is 'must not be before the referred date';
comment on constraint referrals_notes_check on public.referrals is 'must be at most 20000 characters';
comment on constraint integrations_name_check on public.integrations is 'must be 1 to 200 characters';
comment on constraint integrations_api_version_check on public.integrations is 'must be at most 50 characters';
comment on constraint integrations_shared_customers_check on public.integrations is 'must not be negative';
comment on constraint integrations_error_rate_check on public.integrations is 'must be a percentage from 0 to 100';
comment on constraint integrations_notes_check on public.integrations is 'must be at most 20000 characters';
comment on constraint integration_ideas_description_check on public.integration_ideas is 'must be 1 to 2000 characters';
comment on constraint integration_ideas_customer_request_count_check on public.integration_ideas is 'must not be negative';
comment on constraint integration_ideas_effort_check on public.integration_ideas is 'must be from 1 to 5';
comment on constraint integration_ideas_notes_check on public.integration_ideas is 'must be at most 20000 characters';
comment on constraint shared_customers_customer_check on public.shared_customers is 'must be 1 to 200 characters';
comment on constraint shared_customers_your_product_check on public.shared_customers is 'must be at most 200 characters';
comment on constraint shared_customers_partner_product_check on public.shared_customers is 'must be at most 200 characters';
comment on constraint shared_customers_joint_revenue_check on public.shared_customers is 'must not be negative';
comment on constraint shared_customers_notes_check on public.shared_customers is 'must be at most 20000 characters';
comment on constraint checklists_title_check on public.checklists is 'must be 1 to 200 characters';
comment on constraint checklists_items_check on public.checklists is 'must be a list of at most 200 items';
comment on constraint checklists_fields_check on public.checklists is 'must be an object of texts';
comment on constraint checklists_notes_check on public.checklists is 'must be at most 20000 characters';
comment on constraint checklists_template_key_fkey on public.checklists is 'must be the key of a template';
comment on constraint checklists_campaign_id_fkey on public.checklists is 'must be the id of a campaign';
comment on constraint checklists_integration_id_fkey on public.checklists is 'must be the id of an integration';

-- Functions are executable by PUBLIC when created: the ones above that the
-- application may call are granted by name; none else (in particular not
-- the SECURITY DEFINER ones that adjust figures).  Functions made by later
-- migrations start without PUBLIC's execute right.
revoke execute on all functions in schema public from public;
alter default privileges revoke execute on functions from public;
