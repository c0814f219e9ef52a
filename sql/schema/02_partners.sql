-- 02: partners: the pipeline, scoring, ownership (row-level security), the
-- cascade of a delete, restore or reassignment to the attached records, and
-- the partner's API JSON kept in its row (api_members).

CREATE TYPE public.integration_status AS ENUM (
    'discovery',
    'build',
    'test',
    'launched',
    'maintaining',
    'disabled'
);

CREATE TYPE public.partner_status AS ENUM (
    'prospect',
    'negotiating',
    'onboarding',
    'active',
    'expanding',
    'churned'
);

COMMENT ON TYPE public.partner_status IS 'The partner pipeline, in order: the enum''s order is the board''s column order.';

CREATE TYPE public.partner_tier AS ENUM (
    'strategic',
    'premier',
    'standard',
    'lightweight'
);

CREATE TYPE public.partner_type AS ENUM (
    'co_marketing',
    'integration',
    'referral',
    'customer_sharing',
    'channel_reseller',
    'ecosystem_alliance'
);

CREATE TABLE public.partners (
    id text DEFAULT public.nanoid() NOT NULL,
    company text COLLATE public.natural_order NOT NULL,
    contact_name text COLLATE public.natural_order NOT NULL,
    contact_email text COLLATE public.natural_order NOT NULL,
    contact_phone text,
    type public.partner_type NOT NULL,
    status public.partner_status DEFAULT 'prospect'::public.partner_status NOT NULL,
    tier public.partner_tier DEFAULT 'standard'::public.partner_tier NOT NULL,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    agreement_url text,
    commission_rate text,
    integration_status public.integration_status,
    last_sync timestamp with time zone,
    next_review date,
    notes text,
    audience_overlap smallint,
    strategic_value smallint,
    execution_effort smallint,
    referrals_made integer DEFAULT 0 NOT NULL,
    referrals_received integer DEFAULT 0 NOT NULL,
    shared_customers integer DEFAULT 0 NOT NULL,
    revenue_attributed numeric(14,2) DEFAULT 0 NOT NULL,
    score smallint GENERATED ALWAYS AS (((audience_overlap + strategic_value) - execution_effort)) STORED,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    campaigns integer DEFAULT 0 NOT NULL,
    campaign_budget numeric(16,2) DEFAULT 0 NOT NULL,
    campaign_budgeted_revenue numeric(16,2) DEFAULT 0 NOT NULL,
    status_rank smallint GENERATED ALWAYS AS (public.enum_position(status)) STORED,
    api_members text NOT NULL,
    search_text text GENERATED ALWAYS AS (lower(((((((((((company || ' '::text) || contact_name) || ' '::text) || contact_email) || ' '::text) || COALESCE(contact_phone, ''::text)) || ' '::text) || COALESCE(commission_rate, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    conversions integer DEFAULT 0 NOT NULL,
    commission_paid numeric(14,2) DEFAULT 0 NOT NULL,
    CONSTRAINT partners_agreement_url_check CHECK (((agreement_url ~ '^https?://[^[:space:]]+$'::text) AND (length(agreement_url) <= 2000))),
    CONSTRAINT partners_audience_overlap_check CHECK (((audience_overlap >= 1) AND (audience_overlap <= 5))),
    CONSTRAINT partners_commission_rate_check CHECK (((commission_rate = btrim(commission_rate)) AND (commission_rate <> ''::text) AND (length(commission_rate) <= 100))),
    CONSTRAINT partners_commission_paid_check CHECK ((commission_paid >= (0)::numeric)),
    CONSTRAINT partners_company_check CHECK (((company = btrim(company)) AND (company <> ''::text) AND (length(company) <= 200))),
    CONSTRAINT partners_contact_email_check CHECK (((contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::text) AND (length(contact_email) <= 254))),
    CONSTRAINT partners_contact_name_check CHECK (((contact_name = btrim(contact_name)) AND (contact_name <> ''::text) AND (length(contact_name) <= 200))),
    CONSTRAINT partners_conversions_check CHECK ((conversions >= 0)),
    CONSTRAINT partners_contact_phone_check CHECK ((contact_phone ~ '^[0-9+()./ x-]{3,40}$'::text)),
    CONSTRAINT partners_execution_effort_check CHECK (((execution_effort >= 1) AND (execution_effort <= 5))),
    CONSTRAINT partners_id_check CHECK ((id ~ '^[A-Za-z0-9_-]{21}$'::text)),
    CONSTRAINT partners_notes_check CHECK ((length(notes) <= 20000)),
    CONSTRAINT partners_referrals_made_check CHECK ((referrals_made >= 0)),
    CONSTRAINT partners_referrals_received_check CHECK ((referrals_received >= 0)),
    CONSTRAINT partners_revenue_attributed_check CHECK ((revenue_attributed >= (0)::numeric)),
    CONSTRAINT partners_shared_customers_check CHECK ((shared_customers >= 0)),
    CONSTRAINT partners_strategic_value_check CHECK (((strategic_value >= 1) AND (strategic_value <= 5))),
    CONSTRAINT partners_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.partners FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.partners
    ADD CONSTRAINT partners_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.partners
    ADD CONSTRAINT partners_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);

CREATE INDEX partners_by_revenue_idx ON public.partners USING btree (revenue_attributed DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_company_idx ON public.partners USING btree (company, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_deleted_idx ON public.partners USING btree (deleted_at) WHERE (deleted_at IS NOT NULL);
CREATE INDEX partners_next_review_idx ON public.partners USING btree (next_review) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_score_idx ON public.partners USING btree (owner_user_id, score DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_status_sort_idx ON public.partners USING btree (owner_user_id, status, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_updated_idx ON public.partners USING btree (owner_user_id, updated_at DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_score_idx ON public.partners USING btree (score DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_status_sort_idx ON public.partners USING btree (status, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_updated_idx ON public.partners USING btree (updated_at DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_company_idx ON public.partners USING btree (owner_user_id, company, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_by_revenue_idx ON public.partners USING btree (owner_user_id, revenue_attributed DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_idx ON public.partners USING btree (owner_user_id, status_rank, company, id) INCLUDE (revenue_attributed) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_revenue_idx ON public.partners USING btree (owner_user_id, status_rank, revenue_attributed DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX partners_owner_review_idx ON public.partners USING btree (owner_user_id, next_review) WHERE (deleted_at IS NULL);
CREATE INDEX partners_status_idx ON public.partners USING btree (status_rank, company, id) INCLUDE (revenue_attributed) WHERE (deleted_at IS NULL);

ALTER TABLE public.partners ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.partners IS 'Companies we partner with, each owned by one user.';
COMMENT ON COLUMN public.partners.commission_rate IS 'Free text as agreed, e.g. "10%" or "flat 500".';
COMMENT ON COLUMN public.partners.referrals_made IS 'Derived: live inbound referrals from this partner (kept by triggers on referrals).';
COMMENT ON COLUMN public.partners.referrals_received IS 'Derived: live outbound referrals we sent this partner.';
COMMENT ON COLUMN public.partners.conversions IS 'Derived: live inbound referrals from this partner that converted.';
COMMENT ON COLUMN public.partners.commission_paid IS 'Derived: commission paid on live inbound referrals from this partner.';
COMMENT ON COLUMN public.partners.shared_customers IS 'Derived: live shared-customer rows with this partner.';
COMMENT ON COLUMN public.partners.revenue_attributed IS 'Derived: converted inbound deal value + campaign revenue + shared-customer joint revenue.';
COMMENT ON COLUMN public.partners.score IS 'audienceOverlap + strategicValue - executionEffort; null until all three are set.';
COMMENT ON COLUMN public.partners.search_text IS 'Lower-cased text fields, for q= search: a substring match over the reader''s rows, with no index (013).';
COMMENT ON COLUMN public.partners.campaigns IS 'Live campaigns of the partner (kept by partner_figures_follow).';
COMMENT ON COLUMN public.partners.campaign_budget IS 'Sum of the budgets of live campaigns with results (campaign_in_roi): the ROI''s denominator (kept by partner_figures_follow).';
COMMENT ON COLUMN public.partners.campaign_budgeted_revenue IS 'Sum of the revenue of live campaigns with results (campaign_in_roi): the ROI''s numerator (kept by partner_figures_follow).';
COMMENT ON COLUMN public.partners.status_rank IS 'The status''s position in partner_status: what filters and boards compare.';
COMMENT ON COLUMN public.partners.api_members IS 'Derived: the partner''s API JSON members but reviewDue (partner_json_members), kept by partners_touch_json.';
COMMENT ON CONSTRAINT partners_agreement_url_check ON public.partners IS 'must be an http:// or https:// address';
COMMENT ON CONSTRAINT partners_audience_overlap_check ON public.partners IS 'must be from 1 to 5';
COMMENT ON CONSTRAINT partners_commission_rate_check ON public.partners IS 'must be at most 100 characters';
COMMENT ON CONSTRAINT partners_company_check ON public.partners IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT partners_contact_email_check ON public.partners IS 'must be an email address';
COMMENT ON CONSTRAINT partners_contact_name_check ON public.partners IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT partners_contact_phone_check ON public.partners IS 'must be a phone number (digits, spaces, + ( ) . / - x)';
COMMENT ON CONSTRAINT partners_execution_effort_check ON public.partners IS 'must be from 1 to 5';
COMMENT ON CONSTRAINT partners_notes_check ON public.partners IS 'must be at most 20000 characters';
COMMENT ON CONSTRAINT partners_strategic_value_check ON public.partners IS 'must be from 1 to 5';
COMMENT ON CONSTRAINT partners_owner_user_id_fkey ON public.partners IS 'must be the id of a user';

grant select on public.partners to partnerships_app;
grant insert (company, contact_name, contact_email, contact_phone, type, status, tier, owner_user_id, agreement_url, commission_rate, integration_status, last_sync, next_review, notes, audience_overlap, strategic_value, execution_effort), update (company, contact_name, contact_email, contact_phone, type, status, tier, owner_user_id, agreement_url, commission_rate, integration_status, last_sync, next_review, notes, audience_overlap, strategic_value, execution_effort) on public.partners to partnerships_app;
grant update (deleted_at) on public.partners to partnerships_app;

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
grant execute on function public.engagement(score integer) to partnerships_app;

create function public.api_partner(p public.partners) returns text
language sql stable
as $$
  select '{' || p.api_members || ', "reviewDue" : ' || coalesce(p.next_review <= current_date, false)::text || '}'
$$;
grant execute on function public.api_partner(p public.partners) to partnerships_app;

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

-- A partner named in an import by id or by company name (case-insensitive),
-- among the live partners this user can see.  Unknown: the value itself
-- (the attached-table guard then refuses it); several matches: 422.
create function public.partner_ref(reference text) returns text
language plpgsql stable
as $$
declare
  found_ids text[];
begin
  if reference is null then
    return null;
  end if;
  if exists (select 1 from public.partners p where p.id = reference and p.deleted_at is null) then
    return reference;
  end if;
  select array_agg(p.id) into found_ids
    from public.partners p where lower(p.company) = lower(btrim(reference)) and p.deleted_at is null;
  if coalesce(array_length(found_ids, 1), 0) > 1 then
    raise exception 'names several partners: use the id' using errcode = 'PT422', column = 'partner_id';
  end if;
  return coalesce(found_ids[1], reference);
end
$$;
grant execute on function public.partner_ref(reference text) to partnerships_app;

-- The members of a partner's API object (between its braces), all but
-- reviewDue: the one place that names a partner's fields in camelCase.
-- The score is computed from its three parts (as the generated column
-- score is): in a BEFORE trigger generated columns are not computed yet.
-- PL/pgSQL, so that its statement is planned once per session, not at
-- every write (a SQL function with a SET clause was: 290 us a write).
create function public.partner_json_members(p public.partners) returns text
language plpgsql stable
as $$
declare
  score integer := p.audience_overlap + p.strategic_value - p.execution_effort;
  j text := json_build_object(
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
    'lastSync', public.utc_json_text(p.last_sync),
    'nextReview', p.next_review,
    'notes', p.notes,
    'audienceOverlap', p.audience_overlap,
    'strategicValue', p.strategic_value,
    'executionEffort', p.execution_effort,
    'score', score,
    'engagement', public.engagement(score),
    'referralsMade', p.referrals_made,
    'referralsReceived', p.referrals_received,
    'referralBalance', p.referrals_made - p.referrals_received,
    'oneSided', p.referrals_received >= 3 and p.referrals_made = 0,
    'conversions', p.conversions,
    'commissionPaid', p.commission_paid,
    'sharedCustomers', p.shared_customers,
    'revenueAttributed', p.revenue_attributed,
    'createdAt', public.utc_json_text(p.created_at),
    'updatedAt', public.utc_json_text(p.updated_at),
    'version', p.version,
    'deletedAt', public.utc_json_text(p.deleted_at))::text;
begin
  return substr(j, 2, length(j) - 2);
end
$$;
grant execute on function public.partner_json_members(p public.partners) to partnerships_app;

create function public.partner_json_keep() returns trigger
language plpgsql
as $$
begin
  new.api_members := public.partner_json_members(new);
  return new;
end
$$;

-- The partners whose kept JSON differs from their row's (or whose score
-- from the generated column's): none, always (the SQL tests and the soak
-- check it).
create function public.partner_json_drift() returns setof text
language sql stable
as $$
  select p.id from public.partners p
   where p.api_members is distinct from public.partner_json_members(p)
      or (public.api_partner(p)::json ->> 'score')::integer is distinct from p.score
$$;
grant execute on function public.partner_json_drift() to partnerships_app;

CREATE TRIGGER partners_cascade AFTER UPDATE OF owner_user_id, deleted_at ON public.partners FOR EACH ROW EXECUTE FUNCTION public.partner_cascade();
CREATE TRIGGER partners_oplog AFTER INSERT ON public.partners FOR EACH ROW EXECUTE FUNCTION public.oplog_write('partners', 'id', 'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text', 'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members', 'conversions', 'commission_paid');
CREATE TRIGGER partners_oplog_update AFTER UPDATE ON public.partners FOR EACH ROW WHEN ((old.version <> new.version)) EXECUTE FUNCTION public.oplog_write('partners', 'id', 'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text', 'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members', 'conversions', 'commission_paid');
CREATE TRIGGER partners_touch BEFORE UPDATE ON public.partners FOR EACH ROW EXECUTE FUNCTION public.row_touch('referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text', 'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members', 'conversions', 'commission_paid');
CREATE TRIGGER partners_touch_json BEFORE INSERT OR UPDATE ON public.partners FOR EACH ROW EXECUTE FUNCTION public.partner_json_keep();

create policy partners_owner on public.partners
  using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()))
  with check (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()));
