-- 03: the built-in templates and everything attached to a partner:
-- campaigns, referrals, integrations, integration ideas, shared customers and
-- checklists.  Their triggers and policies are made per table from
-- attached_tables() in the migrations; here each is written out.

CREATE TYPE public.campaign_status AS ENUM (
    'planning',
    'creating',
    'promoting',
    'completed',
    'archived'
);

COMMENT ON TYPE public.campaign_status IS 'The campaign lifecycle, in order (the board''s column order).';

CREATE TYPE public.campaign_type AS ENUM (
    'co_marketing',
    'webinar',
    'blog_post',
    'social_swap',
    'bundle_promotion',
    'event',
    'other'
);

CREATE TYPE public.health AS ENUM (
    'healthy',
    'at_risk',
    'failing',
    'unknown'
);

CREATE TYPE public.idea_priority AS ENUM (
    'low',
    'medium',
    'high',
    'critical'
);

CREATE TYPE public.integration_type AS ENUM (
    'one_way_sync',
    'bidirectional_sync',
    'embedded',
    'webhook',
    'sdk'
);

CREATE TYPE public.referral_direction AS ENUM (
    'inbound',
    'outbound'
);

COMMENT ON TYPE public.referral_direction IS 'inbound: the partner sent us a lead; outbound: we sent the partner a lead.';

CREATE TYPE public.referral_status AS ENUM (
    'introduced',
    'qualified',
    'converted',
    'lost'
);

CREATE TABLE public.templates (
    key text NOT NULL,
    "position" integer NOT NULL,
    kind text NOT NULL,
    title text NOT NULL,
    header text,
    placeholders jsonb DEFAULT '[]'::jsonb NOT NULL,
    items jsonb DEFAULT '[]'::jsonb NOT NULL,
    body text
);
ALTER TABLE ONLY public.templates
    ADD CONSTRAINT templates_pkey PRIMARY KEY (key);
ALTER TABLE ONLY public.templates
    ADD CONSTRAINT templates_position_key UNIQUE ("position");

COMMENT ON TABLE public.templates IS 'The built-in templates of the playbook (tests/api/fixtures/partnerships.txt), word for word; read-only to the application.';
COMMENT ON COLUMN public.templates.header IS 'A line of fields above the checklist, e.g. "Partner: [name], Topic: [topic], Date: [date]".';
COMMENT ON COLUMN public.templates.placeholders IS 'The [bracketed] placeholders of header, items and body, in order.';
COMMENT ON COLUMN public.templates.body IS 'A text template (the intro request), with [bracketed] placeholders.';

grant select on public.templates to partnerships_app;

-- The built-in templates, word for word from the playbook.
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

CREATE TABLE public.campaigns (
    id text DEFAULT public.nanoid() NOT NULL,
    partner_id text NOT NULL,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    name text COLLATE public.natural_order NOT NULL,
    type public.campaign_type NOT NULL,
    channel text COLLATE public.natural_order,
    status public.campaign_status DEFAULT 'planning'::public.campaign_status NOT NULL,
    start_date date,
    end_date date,
    budget numeric(14,2),
    budget_split text,
    leads integer DEFAULT 0 NOT NULL,
    conversions integer DEFAULT 0 NOT NULL,
    revenue numeric(14,2) DEFAULT 0 NOT NULL,
    roi numeric(14,4) GENERATED ALWAYS AS (
CASE
    WHEN (budget > (0)::numeric) THEN round(((revenue - budget) / budget), 4)
    ELSE NULL::numeric
END) STORED,
    deliverables jsonb DEFAULT '[]'::jsonb NOT NULL,
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    deleted_with_partner boolean DEFAULT false NOT NULL,
    status_rank smallint GENERATED ALWAYS AS (public.enum_position(status)) STORED,
    search_text text GENERATED ALWAYS AS (lower(((((((name || ' '::text) || COALESCE(channel, ''::text)) || ' '::text) || COALESCE(budget_split, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    CONSTRAINT campaigns_budget_check CHECK ((budget >= (0)::numeric)),
    CONSTRAINT campaigns_budget_split_check CHECK (public.text_ok(budget_split, 100)),
    CONSTRAINT campaigns_channel_check CHECK (public.text_ok(channel, 200)),
    CONSTRAINT campaigns_conversions_check CHECK ((conversions >= 0)),
    CONSTRAINT campaigns_deliverables_check CHECK (public.strings_ok(deliverables)),
    CONSTRAINT campaigns_end_date_check CHECK ((end_date >= start_date)),
    CONSTRAINT campaigns_leads_check CHECK ((leads >= 0)),
    CONSTRAINT campaigns_name_check CHECK (public.text_ok(name, 200)),
    CONSTRAINT campaigns_notes_check CHECK ((length(notes) <= 20000)),
    CONSTRAINT campaigns_revenue_check CHECK ((revenue >= (0)::numeric))
);

ALTER TABLE ONLY public.campaigns FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);
ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES public.partners(id);

CREATE INDEX campaigns_owner_idx ON public.campaigns USING btree (owner_user_id, status_rank, start_date DESC NULLS LAST, name, id) INCLUDE (revenue) WHERE (deleted_at IS NULL);
CREATE INDEX campaigns_partner_idx ON public.campaigns USING btree (partner_id) WHERE (deleted_at IS NULL);
CREATE INDEX campaigns_status_idx ON public.campaigns USING btree (status_rank, start_date DESC NULLS LAST, name, id) INCLUDE (revenue) WHERE (deleted_at IS NULL);
CREATE INDEX campaigns_owner_start_idx ON public.campaigns USING btree (owner_user_id, start_date DESC NULLS LAST, name, id) WHERE (deleted_at IS NULL);
CREATE INDEX campaigns_start_idx ON public.campaigns USING btree (start_date DESC NULLS LAST, name, id) WHERE (deleted_at IS NULL);

ALTER TABLE public.campaigns ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.campaigns IS 'Co-marketing campaigns run with a partner.';
COMMENT ON COLUMN public.campaigns.roi IS '(revenue - budget) / budget; null without a budget.  The partner''s ROI counts only campaigns with results (campaign_in_roi).';
COMMENT ON COLUMN public.campaigns.status_rank IS 'The status''s position in campaign_status: what filters and boards compare.';
COMMENT ON CONSTRAINT campaigns_budget_check ON public.campaigns IS 'must not be negative';
COMMENT ON CONSTRAINT campaigns_budget_split_check ON public.campaigns IS 'must be at most 100 characters';
COMMENT ON CONSTRAINT campaigns_channel_check ON public.campaigns IS 'must be at most 200 characters';
COMMENT ON CONSTRAINT campaigns_conversions_check ON public.campaigns IS 'must not be negative';
COMMENT ON CONSTRAINT campaigns_deliverables_check ON public.campaigns IS 'must be a list of at most 100 texts of 1 to 500 characters';
COMMENT ON CONSTRAINT campaigns_end_date_check ON public.campaigns IS 'must not be before the start date';
COMMENT ON CONSTRAINT campaigns_leads_check ON public.campaigns IS 'must not be negative';
COMMENT ON CONSTRAINT campaigns_name_check ON public.campaigns IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT campaigns_notes_check ON public.campaigns IS 'must be at most 20000 characters';
COMMENT ON CONSTRAINT campaigns_revenue_check ON public.campaigns IS 'must not be negative';

grant select on public.campaigns to partnerships_app;
grant insert (partner_id, name, type, channel, status, start_date, end_date, budget, budget_split, leads, conversions, revenue, deliverables, notes), update (partner_id, name, type, channel, status, start_date, end_date, budget, budget_split, leads, conversions, revenue, deliverables, notes) on public.campaigns to partnerships_app;
grant update (deleted_at) on public.campaigns to partnerships_app;

CREATE TABLE public.referrals (
    id text DEFAULT public.nanoid() NOT NULL,
    partner_id text NOT NULL,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    direction public.referral_direction NOT NULL,
    lead_name text COLLATE public.natural_order NOT NULL,
    lead_company text COLLATE public.natural_order,
    lead_email text,
    status public.referral_status DEFAULT 'introduced'::public.referral_status NOT NULL,
    deal_value numeric(14,2),
    commission_amount numeric(14,2),
    commission_paid boolean DEFAULT false NOT NULL,
    referred_date date DEFAULT CURRENT_DATE NOT NULL,
    converted_date date,
    lead_opt_in boolean DEFAULT false NOT NULL,
    partner_opt_in boolean DEFAULT false NOT NULL,
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    deleted_with_partner boolean DEFAULT false NOT NULL,
    search_text text GENERATED ALWAYS AS (lower(((((((lead_name || ' '::text) || COALESCE(lead_company, ''::text)) || ' '::text) || COALESCE(lead_email, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    CONSTRAINT referrals_commission_amount_check CHECK ((commission_amount >= (0)::numeric)),
    CONSTRAINT referrals_converted_date_check CHECK ((converted_date >= referred_date)),
    CONSTRAINT referrals_deal_value_check CHECK ((deal_value >= (0)::numeric)),
    CONSTRAINT referrals_lead_company_check CHECK (public.text_ok(lead_company, 200)),
    CONSTRAINT referrals_lead_email_check CHECK (((lead_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::text) AND (length(lead_email) <= 254))),
    CONSTRAINT referrals_lead_name_check CHECK (public.text_ok(lead_name, 200)),
    CONSTRAINT referrals_notes_check CHECK ((length(notes) <= 20000))
);

ALTER TABLE ONLY public.referrals FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.referrals
    ADD CONSTRAINT referrals_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.referrals
    ADD CONSTRAINT referrals_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);
ALTER TABLE ONLY public.referrals
    ADD CONSTRAINT referrals_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES public.partners(id);

CREATE INDEX referrals_date_idx ON public.referrals USING btree (referred_date, id) WHERE (deleted_at IS NULL);
CREATE INDEX referrals_owner_idx ON public.referrals USING btree (owner_user_id, direction) WHERE (deleted_at IS NULL);
CREATE INDEX referrals_owner_referred_idx ON public.referrals USING btree (owner_user_id, referred_date DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX referrals_referred_idx ON public.referrals USING btree (referred_date DESC NULLS LAST, id) WHERE (deleted_at IS NULL);
CREATE INDEX referrals_partner_idx ON public.referrals USING btree (partner_id, direction, referred_date) WHERE (deleted_at IS NULL);

ALTER TABLE public.referrals ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.referrals IS 'Leads exchanged with a partner, in both directions.';
COMMENT ON COLUMN public.referrals.converted_date IS 'Set by the database to the day status becomes converted, unless given.';
COMMENT ON COLUMN public.referrals.lead_opt_in IS 'Outbound intros: the lead agreed to be introduced (double opt-in).';
COMMENT ON COLUMN public.referrals.partner_opt_in IS 'Outbound intros: the partner agreed to the introduction (double opt-in).';
COMMENT ON CONSTRAINT referrals_commission_amount_check ON public.referrals IS 'must not be negative';
COMMENT ON CONSTRAINT referrals_converted_date_check ON public.referrals IS 'must not be before the referred date';
COMMENT ON CONSTRAINT referrals_deal_value_check ON public.referrals IS 'must not be negative';
COMMENT ON CONSTRAINT referrals_lead_company_check ON public.referrals IS 'must be at most 200 characters';
COMMENT ON CONSTRAINT referrals_lead_email_check ON public.referrals IS 'must be an email address';
COMMENT ON CONSTRAINT referrals_lead_name_check ON public.referrals IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT referrals_notes_check ON public.referrals IS 'must be at most 20000 characters';

grant select on public.referrals to partnerships_app;
grant insert (partner_id, direction, lead_name, lead_company, lead_email, status, deal_value, commission_amount, commission_paid, referred_date, converted_date, lead_opt_in, partner_opt_in, notes), update (partner_id, direction, lead_name, lead_company, lead_email, status, deal_value, commission_amount, commission_paid, referred_date, converted_date, lead_opt_in, partner_opt_in, notes) on public.referrals to partnerships_app;
grant update (deleted_at) on public.referrals to partnerships_app;

CREATE TABLE public.integrations (
    id text DEFAULT public.nanoid() NOT NULL,
    partner_id text NOT NULL,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    name text COLLATE public.natural_order NOT NULL,
    type public.integration_type,
    status public.integration_status DEFAULT 'discovery'::public.integration_status NOT NULL,
    api_version text COLLATE public.natural_order,
    shared_customers integer,
    health public.health DEFAULT 'unknown'::public.health NOT NULL,
    error_rate numeric(5,2),
    last_sync timestamp with time zone,
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    deleted_with_partner boolean DEFAULT false NOT NULL,
    search_text text GENERATED ALWAYS AS (lower(((((name || ' '::text) || COALESCE(api_version, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    CONSTRAINT integrations_api_version_check CHECK (public.text_ok(api_version, 50)),
    CONSTRAINT integrations_error_rate_check CHECK (((error_rate >= (0)::numeric) AND (error_rate <= (100)::numeric))),
    CONSTRAINT integrations_name_check CHECK (public.text_ok(name, 200)),
    CONSTRAINT integrations_notes_check CHECK ((length(notes) <= 20000)),
    CONSTRAINT integrations_shared_customers_check CHECK ((shared_customers >= 0))
);

ALTER TABLE ONLY public.integrations FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.integrations
    ADD CONSTRAINT integrations_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.integrations
    ADD CONSTRAINT integrations_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);
ALTER TABLE ONLY public.integrations
    ADD CONSTRAINT integrations_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES public.partners(id);

CREATE INDEX integrations_owner_idx ON public.integrations USING btree (owner_user_id, status) WHERE (deleted_at IS NULL);
CREATE INDEX integrations_partner_idx ON public.integrations USING btree (partner_id) WHERE (deleted_at IS NULL);

ALTER TABLE public.integrations ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.integrations IS 'Technical integrations built with a partner.';
COMMENT ON COLUMN public.integrations.error_rate IS 'Percent of failing calls, 0 to 100.';
COMMENT ON CONSTRAINT integrations_api_version_check ON public.integrations IS 'must be at most 50 characters';
COMMENT ON CONSTRAINT integrations_error_rate_check ON public.integrations IS 'must be a percentage from 0 to 100';
COMMENT ON CONSTRAINT integrations_name_check ON public.integrations IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT integrations_notes_check ON public.integrations IS 'must be at most 20000 characters';
COMMENT ON CONSTRAINT integrations_shared_customers_check ON public.integrations IS 'must not be negative';

grant select on public.integrations to partnerships_app;
grant insert (partner_id, name, type, status, api_version, shared_customers, health, error_rate, last_sync, notes), update (partner_id, name, type, status, api_version, shared_customers, health, error_rate, last_sync, notes) on public.integrations to partnerships_app;
grant update (deleted_at) on public.integrations to partnerships_app;

CREATE TABLE public.integration_ideas (
    id text DEFAULT public.nanoid() NOT NULL,
    partner_id text,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    description text COLLATE public.natural_order NOT NULL,
    customer_request_count integer DEFAULT 0 NOT NULL,
    effort smallint,
    priority public.idea_priority DEFAULT 'medium'::public.idea_priority NOT NULL,
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    deleted_with_partner boolean DEFAULT false NOT NULL,
    search_text text GENERATED ALWAYS AS (lower(((description || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    CONSTRAINT integration_ideas_customer_request_count_check CHECK ((customer_request_count >= 0)),
    CONSTRAINT integration_ideas_description_check CHECK (public.text_ok(description, 2000)),
    CONSTRAINT integration_ideas_effort_check CHECK (((effort >= 1) AND (effort <= 5))),
    CONSTRAINT integration_ideas_notes_check CHECK ((length(notes) <= 20000))
);

ALTER TABLE ONLY public.integration_ideas FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.integration_ideas
    ADD CONSTRAINT integration_ideas_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.integration_ideas
    ADD CONSTRAINT integration_ideas_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);
ALTER TABLE ONLY public.integration_ideas
    ADD CONSTRAINT integration_ideas_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES public.partners(id);

CREATE INDEX integration_ideas_owner_idx ON public.integration_ideas USING btree (owner_user_id) WHERE (deleted_at IS NULL);
CREATE INDEX integration_ideas_partner_idx ON public.integration_ideas USING btree (partner_id) WHERE (deleted_at IS NULL);
CREATE INDEX integration_ideas_requests_idx ON public.integration_ideas USING btree (customer_request_count DESC, id) WHERE (deleted_at IS NULL);

ALTER TABLE public.integration_ideas ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.integration_ideas IS 'The integrations backlog; ideas without a partner belong to their creator.';
COMMENT ON CONSTRAINT integration_ideas_customer_request_count_check ON public.integration_ideas IS 'must not be negative';
COMMENT ON CONSTRAINT integration_ideas_description_check ON public.integration_ideas IS 'must be 1 to 2000 characters';
COMMENT ON CONSTRAINT integration_ideas_effort_check ON public.integration_ideas IS 'must be from 1 to 5';
COMMENT ON CONSTRAINT integration_ideas_notes_check ON public.integration_ideas IS 'must be at most 20000 characters';

grant select on public.integration_ideas to partnerships_app;
grant insert (partner_id, description, customer_request_count, effort, priority, notes), update (partner_id, description, customer_request_count, effort, priority, notes) on public.integration_ideas to partnerships_app;
grant update (deleted_at) on public.integration_ideas to partnerships_app;

CREATE TABLE public.shared_customers (
    id text DEFAULT public.nanoid() NOT NULL,
    partner_id text NOT NULL,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    customer text COLLATE public.natural_order NOT NULL,
    your_product text COLLATE public.natural_order,
    partner_product text COLLATE public.natural_order,
    joint_revenue numeric(14,2),
    health public.health DEFAULT 'unknown'::public.health NOT NULL,
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    deleted_with_partner boolean DEFAULT false NOT NULL,
    search_text text GENERATED ALWAYS AS (lower(((((((customer || ' '::text) || COALESCE(your_product, ''::text)) || ' '::text) || COALESCE(partner_product, ''::text)) || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    CONSTRAINT shared_customers_customer_check CHECK (public.text_ok(customer, 200)),
    CONSTRAINT shared_customers_joint_revenue_check CHECK ((joint_revenue >= (0)::numeric)),
    CONSTRAINT shared_customers_notes_check CHECK ((length(notes) <= 20000)),
    CONSTRAINT shared_customers_partner_product_check CHECK (public.text_ok(partner_product, 200)),
    CONSTRAINT shared_customers_your_product_check CHECK (public.text_ok(your_product, 200))
);

ALTER TABLE ONLY public.shared_customers FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.shared_customers
    ADD CONSTRAINT shared_customers_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.shared_customers
    ADD CONSTRAINT shared_customers_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);
ALTER TABLE ONLY public.shared_customers
    ADD CONSTRAINT shared_customers_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES public.partners(id);

CREATE INDEX shared_customers_owner_idx ON public.shared_customers USING btree (owner_user_id) WHERE (deleted_at IS NULL);
CREATE INDEX shared_customers_partner_idx ON public.shared_customers USING btree (partner_id) WHERE (deleted_at IS NULL);
CREATE INDEX shared_customers_owner_customer_idx ON public.shared_customers USING btree (owner_user_id, customer, id) WHERE (deleted_at IS NULL);
CREATE INDEX shared_customers_customer_idx ON public.shared_customers USING btree (customer, id) WHERE (deleted_at IS NULL);

ALTER TABLE public.shared_customers ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.shared_customers IS 'Customers we share with a partner (the cross-sell map).';
COMMENT ON CONSTRAINT shared_customers_customer_check ON public.shared_customers IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT shared_customers_joint_revenue_check ON public.shared_customers IS 'must not be negative';
COMMENT ON CONSTRAINT shared_customers_notes_check ON public.shared_customers IS 'must be at most 20000 characters';
COMMENT ON CONSTRAINT shared_customers_partner_product_check ON public.shared_customers IS 'must be at most 200 characters';
COMMENT ON CONSTRAINT shared_customers_your_product_check ON public.shared_customers IS 'must be at most 200 characters';

grant select on public.shared_customers to partnerships_app;
grant insert (partner_id, customer, your_product, partner_product, joint_revenue, health, notes), update (partner_id, customer, your_product, partner_product, joint_revenue, health, notes) on public.shared_customers to partnerships_app;
grant update (deleted_at) on public.shared_customers to partnerships_app;

CREATE TABLE public.checklists (
    id text DEFAULT public.nanoid() NOT NULL,
    partner_id text NOT NULL,
    owner_user_id text DEFAULT public.current_user_id() NOT NULL,
    template_key text,
    title text COLLATE public.natural_order NOT NULL,
    campaign_id text,
    integration_id text,
    items jsonb DEFAULT '[]'::jsonb NOT NULL,
    fields jsonb DEFAULT '{}'::jsonb NOT NULL,
    notes text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    deleted_at timestamp with time zone,
    deleted_with_partner boolean DEFAULT false NOT NULL,
    search_text text GENERATED ALWAYS AS (lower(((title || ' '::text) || COALESCE(notes, ''::text)))) STORED,
    CONSTRAINT checklists_fields_check CHECK (public.text_fields_ok(fields)),
    CONSTRAINT checklists_items_check CHECK (
CASE
    WHEN (jsonb_typeof(items) = 'array'::text) THEN (jsonb_array_length(items) <= 200)
    ELSE false
END),
    CONSTRAINT checklists_notes_check CHECK ((length(notes) <= 20000)),
    CONSTRAINT checklists_title_check CHECK (public.text_ok(title, 200))
);

ALTER TABLE ONLY public.checklists FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.checklists
    ADD CONSTRAINT checklists_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.checklists
    ADD CONSTRAINT checklists_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES public.campaigns(id);
ALTER TABLE ONLY public.checklists
    ADD CONSTRAINT checklists_integration_id_fkey FOREIGN KEY (integration_id) REFERENCES public.integrations(id);
ALTER TABLE ONLY public.checklists
    ADD CONSTRAINT checklists_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES public.users(id);
ALTER TABLE ONLY public.checklists
    ADD CONSTRAINT checklists_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES public.partners(id);
ALTER TABLE ONLY public.checklists
    ADD CONSTRAINT checklists_template_key_fkey FOREIGN KEY (template_key) REFERENCES public.templates(key);

CREATE INDEX checklists_campaign_idx ON public.checklists USING btree (campaign_id) WHERE (campaign_id IS NOT NULL);
CREATE INDEX checklists_integration_idx ON public.checklists USING btree (integration_id) WHERE (integration_id IS NOT NULL);
CREATE INDEX checklists_owner_idx ON public.checklists USING btree (owner_user_id) WHERE (deleted_at IS NULL);
CREATE INDEX checklists_partner_idx ON public.checklists USING btree (partner_id) WHERE (deleted_at IS NULL);

ALTER TABLE public.checklists ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.checklists IS 'A template (or a list of one''s own) being worked through for a partner.';
COMMENT ON COLUMN public.checklists.items IS '[{"text", "done", "doneAt", "doneBy"}]: doneAt and doneBy are kept by the database.';
COMMENT ON COLUMN public.checklists.fields IS 'Values for the template''s placeholders, e.g. {"topic": "…", "date": "…"}.';
COMMENT ON CONSTRAINT checklists_fields_check ON public.checklists IS 'must be an object of texts';
COMMENT ON CONSTRAINT checklists_items_check ON public.checklists IS 'must be a list of at most 200 items';
COMMENT ON CONSTRAINT checklists_notes_check ON public.checklists IS 'must be at most 20000 characters';
COMMENT ON CONSTRAINT checklists_title_check ON public.checklists IS 'must be 1 to 200 characters';
COMMENT ON CONSTRAINT checklists_campaign_id_fkey ON public.checklists IS 'must be the id of a campaign';
COMMENT ON CONSTRAINT checklists_integration_id_fkey ON public.checklists IS 'must be the id of an integration';
COMMENT ON CONSTRAINT checklists_template_key_fkey ON public.checklists IS 'must be the key of a template';

grant select on public.checklists to partnerships_app;
grant insert (partner_id, template_key, title, campaign_id, integration_id, items, fields, notes), update (partner_id, template_key, title, campaign_id, integration_id, items, fields, notes) on public.checklists to partnerships_app;
grant update (deleted_at) on public.checklists to partnerships_app;

create function public.api_template(t public.templates) returns json
language sql stable
as $$
  select json_build_object('key', t.key, 'kind', t.kind, 'title', t.title, 'header', t.header,
                           'placeholders', t.placeholders, 'items', t.items, 'body', t.body)
$$;
grant execute on function public.api_template(t public.templates) to partnerships_app;

create or replace function public.attached_guard() returns trigger
language plpgsql
as $$
declare
  partner_owner text;
  partner_deleted timestamptz;
  -- These update the partner's figures in the same transaction: they take
  -- the lock that update needs, not one they would have to upgrade.
  feeds boolean := TG_TABLE_NAME in ('referrals', 'campaigns', 'shared_customers');
begin
  if TG_OP = 'INSERT' or new.partner_id is distinct from old.partner_id then
    if new.partner_id is null then
      -- Ideas without a partner belong to their creator (or keep their owner).
      new.owner_user_id := case when TG_OP = 'INSERT' then public.current_user_id() else old.owner_user_id end;
    else
      -- Read as the acting user (row-level security) and under the lock:
      -- a partner moved to another owner or into the trash while this
      -- waited is not found.
      if feeds then
        select p.owner_user_id into partner_owner
          from public.partners p where p.id = new.partner_id and p.deleted_at is null for no key update;
      else
        select p.owner_user_id into partner_owner
          from public.partners p where p.id = new.partner_id and p.deleted_at is null for share;
      end if;
      if not found then
        raise exception 'must be the id of a partner' using errcode = 'PT422', column = 'partner_id';
      end if;
      new.owner_user_id := partner_owner;
    end if;
  end if;
  if TG_OP = 'UPDATE' and old.deleted_at is not null and new.deleted_at is null then
    if new.partner_id is not null then
      if feeds then
        select p.deleted_at into partner_deleted from public.partners p where p.id = new.partner_id for no key update;
      else
        select p.deleted_at into partner_deleted from public.partners p where p.id = new.partner_id for share;
      end if;
      if partner_deleted is not null then
        raise exception 'its partner is in the trash: restore the partner first' using errcode = 'PT409';
      end if;
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
  values ('campaigns', 'campaigns', array['owner_user_id', 'deleted_with_partner', 'roi', 'search_text', 'status_rank'], true),
         ('referrals', 'referrals', array['owner_user_id', 'deleted_with_partner', 'search_text'], true),
         ('integrations', 'integrations', array['owner_user_id', 'deleted_with_partner', 'search_text'], false),
         -- An idea shows its owner (it may have no partner): a change of owner is logged.
         ('integration_ideas', 'integration-ideas', array['deleted_with_partner', 'search_text'], false),
         ('shared_customers', 'shared-customers', array['owner_user_id', 'deleted_with_partner', 'search_text'], true),
         ('checklists', 'checklists', array['owner_user_id', 'deleted_with_partner', 'search_text'], false)
$$;

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

CREATE TRIGGER campaigns_guard BEFORE INSERT OR UPDATE ON public.campaigns FOR EACH ROW EXECUTE FUNCTION public.attached_guard();
CREATE TRIGGER campaigns_oplog AFTER INSERT OR UPDATE ON public.campaigns FOR EACH ROW EXECUTE FUNCTION public.oplog_write('campaigns', 'partner_id', 'owner_user_id', 'deleted_with_partner', 'roi', 'search_text', 'status_rank');
CREATE TRIGGER campaigns_oplog_follow AFTER UPDATE OF partner_id ON public.campaigns FOR EACH ROW WHEN ((old.partner_id IS DISTINCT FROM new.partner_id)) EXECUTE FUNCTION public.oplog_follow_partner('campaigns');
CREATE TRIGGER campaigns_touch BEFORE UPDATE ON public.campaigns FOR EACH ROW EXECUTE FUNCTION public.row_touch('owner_user_id', 'deleted_with_partner', 'roi', 'search_text', 'status_rank');
CREATE TRIGGER checklists_guard BEFORE INSERT OR UPDATE ON public.checklists FOR EACH ROW EXECUTE FUNCTION public.attached_guard();
CREATE TRIGGER checklists_items BEFORE INSERT OR UPDATE ON public.checklists FOR EACH ROW EXECUTE FUNCTION public.checklist_items();
CREATE TRIGGER checklists_oplog AFTER INSERT OR UPDATE ON public.checklists FOR EACH ROW EXECUTE FUNCTION public.oplog_write('checklists', 'partner_id', 'owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER checklists_oplog_follow AFTER UPDATE OF partner_id ON public.checklists FOR EACH ROW WHEN ((old.partner_id IS DISTINCT FROM new.partner_id)) EXECUTE FUNCTION public.oplog_follow_partner('checklists');
CREATE TRIGGER checklists_touch BEFORE UPDATE ON public.checklists FOR EACH ROW EXECUTE FUNCTION public.row_touch('owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER integration_ideas_guard BEFORE INSERT OR UPDATE ON public.integration_ideas FOR EACH ROW EXECUTE FUNCTION public.attached_guard();
CREATE TRIGGER integration_ideas_oplog AFTER INSERT OR UPDATE ON public.integration_ideas FOR EACH ROW EXECUTE FUNCTION public.oplog_write('integration-ideas', 'partner_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER integration_ideas_oplog_follow AFTER UPDATE OF partner_id ON public.integration_ideas FOR EACH ROW WHEN ((old.partner_id IS DISTINCT FROM new.partner_id)) EXECUTE FUNCTION public.oplog_follow_partner('integration-ideas');
CREATE TRIGGER integration_ideas_touch BEFORE UPDATE ON public.integration_ideas FOR EACH ROW EXECUTE FUNCTION public.row_touch('deleted_with_partner', 'search_text');
CREATE TRIGGER integrations_guard BEFORE INSERT OR UPDATE ON public.integrations FOR EACH ROW EXECUTE FUNCTION public.attached_guard();
CREATE TRIGGER integrations_oplog AFTER INSERT OR UPDATE ON public.integrations FOR EACH ROW EXECUTE FUNCTION public.oplog_write('integrations', 'partner_id', 'owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER integrations_oplog_follow AFTER UPDATE OF partner_id ON public.integrations FOR EACH ROW WHEN ((old.partner_id IS DISTINCT FROM new.partner_id)) EXECUTE FUNCTION public.oplog_follow_partner('integrations');
CREATE TRIGGER integrations_touch BEFORE UPDATE ON public.integrations FOR EACH ROW EXECUTE FUNCTION public.row_touch('owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER referrals_converted BEFORE INSERT OR UPDATE OF status ON public.referrals FOR EACH ROW EXECUTE FUNCTION public.referral_converted();
CREATE TRIGGER referrals_guard BEFORE INSERT OR UPDATE ON public.referrals FOR EACH ROW EXECUTE FUNCTION public.attached_guard();
CREATE TRIGGER referrals_oplog AFTER INSERT OR UPDATE ON public.referrals FOR EACH ROW EXECUTE FUNCTION public.oplog_write('referrals', 'partner_id', 'owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER referrals_oplog_follow AFTER UPDATE OF partner_id ON public.referrals FOR EACH ROW WHEN ((old.partner_id IS DISTINCT FROM new.partner_id)) EXECUTE FUNCTION public.oplog_follow_partner('referrals');
CREATE TRIGGER referrals_touch BEFORE UPDATE ON public.referrals FOR EACH ROW EXECUTE FUNCTION public.row_touch('owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER shared_customers_guard BEFORE INSERT OR UPDATE ON public.shared_customers FOR EACH ROW EXECUTE FUNCTION public.attached_guard();
CREATE TRIGGER shared_customers_oplog AFTER INSERT OR UPDATE ON public.shared_customers FOR EACH ROW EXECUTE FUNCTION public.oplog_write('shared-customers', 'partner_id', 'owner_user_id', 'deleted_with_partner', 'search_text');
CREATE TRIGGER shared_customers_oplog_follow AFTER UPDATE OF partner_id ON public.shared_customers FOR EACH ROW WHEN ((old.partner_id IS DISTINCT FROM new.partner_id)) EXECUTE FUNCTION public.oplog_follow_partner('shared-customers');
CREATE TRIGGER shared_customers_touch BEFORE UPDATE ON public.shared_customers FOR EACH ROW EXECUTE FUNCTION public.row_touch('owner_user_id', 'deleted_with_partner', 'search_text');

CREATE POLICY campaigns_owner ON public.campaigns USING (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin))) WITH CHECK (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin)));

CREATE POLICY checklists_owner ON public.checklists USING (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin))) WITH CHECK (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin)));

CREATE POLICY integration_ideas_owner ON public.integration_ideas USING (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin))) WITH CHECK (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin)));

CREATE POLICY integrations_owner ON public.integrations USING (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin))) WITH CHECK (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin)));

CREATE POLICY referrals_owner ON public.referrals USING (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin))) WITH CHECK (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin)));

CREATE POLICY shared_customers_owner ON public.shared_customers USING (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin))) WITH CHECK (((owner_user_id = ( SELECT public.current_user_id() AS current_user_id)) OR ( SELECT public.app_is_admin() AS app_is_admin)));
