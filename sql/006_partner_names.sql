-- 006_partner_names: attached records carry their partner's company name.
--
-- The hub's tables show "partner", "referred by" and "referred to" as the
-- partner's name (seed: Columns: name, partner, ...), and a CSV export should
-- be readable without a join by hand.  Read-only `partner` in the JSON of
-- every record that has a partnerId; one primary-key probe per row, under the
-- same row-level security (an attached row has its partner's owner).

create or replace function public.api_campaign(c public.campaigns) returns json
language sql stable
as $$
  select json_build_object(
    'id', c.id, 'partnerId', c.partner_id,
    'partner', (select p.company from public.partners p where p.id = c.partner_id),
    'name', c.name, 'type', c.type, 'channel', c.channel,
    'status', c.status, 'startDate', c.start_date, 'endDate', c.end_date, 'budget', c.budget,
    'budgetSplit', c.budget_split, 'leads', c.leads, 'conversions', c.conversions, 'revenue', c.revenue,
    'roi', c.roi,
    'deliverables', c.deliverables, 'notes', c.notes,
    'createdAt', c.created_at, 'updatedAt', c.updated_at, 'version', c.version, 'deletedAt', c.deleted_at)
$$;

create or replace function public.api_referral(r public.referrals) returns json
language sql stable
as $$
  select json_build_object(
    'id', r.id, 'partnerId', r.partner_id,
    'partner', (select p.company from public.partners p where p.id = r.partner_id),
    'direction', r.direction, 'leadName', r.lead_name,
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

create or replace function public.api_integration(g public.integrations) returns json
language sql stable
as $$
  select json_build_object(
    'id', g.id, 'partnerId', g.partner_id,
    'partner', (select p.company from public.partners p where p.id = g.partner_id),
    'name', g.name, 'type', g.type, 'status', g.status,
    'apiVersion', g.api_version, 'sharedCustomers', g.shared_customers, 'health', g.health,
    'errorRate', g.error_rate, 'lastSync', g.last_sync, 'notes', g.notes,
    'createdAt', g.created_at, 'updatedAt', g.updated_at, 'version', g.version, 'deletedAt', g.deleted_at)
$$;

create or replace function public.api_integration_idea(i public.integration_ideas) returns json
language sql stable
as $$
  select json_build_object(
    'id', i.id, 'partnerId', i.partner_id,
    'partner', (select p.company from public.partners p where p.id = i.partner_id),
    'ownerUserId', i.owner_user_id, 'description', i.description,
    'customerRequestCount', i.customer_request_count, 'effort', i.effort, 'priority', i.priority, 'notes', i.notes,
    'createdAt', i.created_at, 'updatedAt', i.updated_at, 'version', i.version, 'deletedAt', i.deleted_at)
$$;

create or replace function public.api_shared_customer(s public.shared_customers) returns json
language sql stable
as $$
  select json_build_object(
    'id', s.id, 'partnerId', s.partner_id,
    'partner', (select p.company from public.partners p where p.id = s.partner_id),
    'customer', s.customer, 'yourProduct', s.your_product,
    'partnerProduct', s.partner_product, 'jointRevenue', s.joint_revenue, 'health', s.health, 'notes', s.notes,
    'createdAt', s.created_at, 'updatedAt', s.updated_at, 'version', s.version, 'deletedAt', s.deleted_at)
$$;

create or replace function public.api_checklist(c public.checklists) returns json
language sql stable
as $$
  select json_build_object(
    'id', c.id, 'partnerId', c.partner_id,
    'partner', (select p.company from public.partners p where p.id = c.partner_id),
    'templateKey', c.template_key, 'title', c.title,
    'campaignId', c.campaign_id, 'integrationId', c.integration_id, 'items', c.items, 'fields', c.fields,
    'done', (select count(*) from jsonb_array_elements(c.items) e where (e ->> 'done')::boolean),
    'total', jsonb_array_length(c.items),
    'notes', c.notes,
    'createdAt', c.created_at, 'updatedAt', c.updated_at, 'version', c.version, 'deletedAt', c.deleted_at)
$$;
