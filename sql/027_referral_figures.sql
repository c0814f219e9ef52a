-- 027: the Referral Partner List's figures, kept on the partner like the
-- others: conversions (its converted inbound referrals) and commission paid
-- (the commissions paid on its inbound referrals).  The figures' functions
-- count two more numbers; the partner's kept JSON has two more members;
-- every partner is counted once here.

alter table public.partners
  add column conversions integer default 0 not null,
  add column commission_paid numeric(14,2) default 0 not null,
  add constraint partners_conversions_check check (conversions >= 0),
  add constraint partners_commission_paid_check check (commission_paid >= 0);
comment on column public.partners.conversions is 'Derived: live inbound referrals from this partner that converted.';
comment on column public.partners.commission_paid is 'Derived: commission paid on live inbound referrals from this partner.';

create or replace function public.partner_contribution(source text, r jsonb) returns numeric[]
language sql immutable
as $$
  select case
    when r ->> 'deleted_at' is not null then array[0, 0, 0, 0, 0, 0, 0, 0, 0]::numeric[]
    when source = 'referrals' then array[
      (r ->> 'direction' = 'inbound')::integer, (r ->> 'direction' = 'outbound')::integer, 0,
      case when r ->> 'direction' = 'inbound' and r ->> 'status' = 'converted'
           then coalesce((r ->> 'deal_value')::numeric, 0) else 0 end, 0, 0, 0,
      (r ->> 'direction' = 'inbound' and r ->> 'status' = 'converted')::integer,
      case when r ->> 'direction' = 'inbound' and (r ->> 'commission_paid')::boolean
           then coalesce((r ->> 'commission_amount')::numeric, 0) else 0 end]::numeric[]
    when source = 'campaigns' then array[0, 0, 0, coalesce((r ->> 'revenue')::numeric, 0), 1,
      coalesce((r ->> 'budget')::numeric, 0),
      case when r ->> 'budget' is not null then coalesce((r ->> 'revenue')::numeric, 0) else 0 end, 0, 0]::numeric[]
    when source = 'shared_customers' then
      array[0, 0, 1, coalesce((r ->> 'joint_revenue')::numeric, 0), 0, 0, 0, 0, 0]::numeric[]
  end
$$;

create or replace function public.partner_figures_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  before numeric[] := array[0, 0, 0, 0, 0, 0, 0, 0, 0];
  after numeric[] := array[0, 0, 0, 0, 0, 0, 0, 0, 0];
  old_partner text;
  minus numeric[];
  delta numeric[];
begin
  if TG_OP = 'UPDATE' then
    before := public.partner_contribution(TG_TABLE_NAME, to_jsonb(old));
    old_partner := old.partner_id;
  end if;
  after := public.partner_contribution(TG_TABLE_NAME, to_jsonb(new));
  select array_agg(-b order by n) into minus from unnest(before) with ordinality x(b, n);
  if old_partner is null or old_partner = new.partner_id then
    if before is distinct from after then
      select array_agg(a - b order by n) into delta from unnest(after, before) with ordinality x(a, b, n);
      perform public.partner_figures_apply(new.partner_id, delta);
    end if;
  -- Two partners: in id order, so two writers never wait on each other's
  -- partners crosswise.
  elsif old_partner < new.partner_id then
    perform public.partner_figures_apply(old_partner, minus);
    perform public.partner_figures_apply(new.partner_id, after);
  else
    perform public.partner_figures_apply(new.partner_id, after);
    perform public.partner_figures_apply(old_partner, minus);
  end if;
  return null;
end
$$;

create or replace function public.partner_figures_apply(p_partner text, d numeric[]) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update public.partners
     set referrals_made = referrals_made + d[1]::integer,
         referrals_received = referrals_received + d[2]::integer,
         shared_customers = shared_customers + d[3]::integer,
         revenue_attributed = revenue_attributed + d[4],
         campaigns = campaigns + d[5]::integer,
         campaign_budget = campaign_budget + d[6],
         campaign_budgeted_revenue = campaign_budgeted_revenue + d[7],
         conversions = conversions + d[8]::integer,
         commission_paid = commission_paid + d[9]
   where id = p_partner;
  if not found then
    -- Its record was written under the partner's lock (attached_guard), so
    -- this is a partner that changed hands meanwhile: never a silent loss.
    raise exception 'the partner changed at the same time' using errcode = '40001';
  end if;
end
$$;

drop function public.partner_figures_recount(text);
create function public.partner_figures_recount(p_partner text)
returns table (referrals_made bigint, referrals_received bigint, shared_customers bigint, revenue_attributed numeric,
               campaigns bigint, campaign_budget numeric, campaign_budgeted_revenue numeric,
               conversions bigint, commission_paid numeric)
language sql stable
as $$
  select (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null and r.direction = 'inbound'),
         (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null and r.direction = 'outbound'),
         (select count(*) from public.shared_customers s where s.partner_id = p_partner and s.deleted_at is null),
         coalesce((select sum(r.deal_value) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null
                     and r.direction = 'inbound' and r.status = 'converted'), 0)
       + coalesce((select sum(c.revenue) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null), 0)
       + coalesce((select sum(s.joint_revenue) from public.shared_customers s where s.partner_id = p_partner and s.deleted_at is null), 0),
         (select count(*) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null),
         coalesce((select sum(c.budget) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null), 0),
         coalesce((select sum(c.revenue) from public.campaigns c where c.partner_id = p_partner and c.deleted_at is null
                     and c.budget is not null), 0),
         (select count(*) from public.referrals r where r.partner_id = p_partner and r.deleted_at is null
             and r.direction = 'inbound' and r.status = 'converted'),
         coalesce((select sum(r.commission_amount) from public.referrals r where r.partner_id = p_partner
                     and r.deleted_at is null and r.direction = 'inbound' and r.commission_paid), 0)
$$;
grant execute on function public.partner_figures_recount(p_partner text) to partnerships_app;

create or replace function public.partner_json_members(p public.partners) returns text
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

drop trigger partners_oplog on public.partners;
drop trigger partners_oplog_update on public.partners;
drop trigger partners_touch on public.partners;
CREATE TRIGGER partners_oplog AFTER INSERT ON public.partners FOR EACH ROW EXECUTE FUNCTION public.oplog_write('partners', 'id', 'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text', 'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members', 'conversions', 'commission_paid');
CREATE TRIGGER partners_oplog_update AFTER UPDATE ON public.partners FOR EACH ROW WHEN ((old.version <> new.version)) EXECUTE FUNCTION public.oplog_write('partners', 'id', 'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text', 'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members', 'conversions', 'commission_paid');
CREATE TRIGGER partners_touch BEFORE UPDATE ON public.partners FOR EACH ROW EXECUTE FUNCTION public.row_touch('referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text', 'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members', 'conversions', 'commission_paid');

-- Every partner counted: row-level security lifted for the owner running
-- this, and no trigger fires (no version, no oplog row: nothing a user did).
alter table public.partners no force row level security;
alter table public.referrals no force row level security;
alter table public.partners disable trigger user;
update public.partners p set conversions = r.conversions, commission_paid = r.commission_paid
  from (select q.id, count(*) filter (where f.direction = 'inbound' and f.status = 'converted') as conversions,
               coalesce(sum(f.commission_amount) filter (where f.direction = 'inbound' and f.commission_paid), 0) as commission_paid
          from public.partners q join public.referrals f on f.partner_id = q.id and f.deleted_at is null
         group by q.id) r
 where r.id = p.id;
update public.partners p set api_members = public.partner_json_members(p);
alter table public.partners enable trigger user;
alter table public.referrals force row level security;
alter table public.partners force row level security;

-- The two new fields, after oneSided (the positions after it move down two).
update public.api_fields set position = -position where collection = 'partners' and position > 24;
update public.api_fields set position = -position + 2 where collection = 'partners' and position < 0;
insert into public.api_fields (collection, position, name, value, kind, sortable, filterable, kept, lookup) values
  ('partners', 25, 'conversions', null, null, true, false, true, null),
  ('partners', 26, 'commissionPaid', null, null, true, false, true, null);
