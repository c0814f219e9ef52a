-- 012: a partner's JSON is written when the partner is, not on every read.
--
-- Every list, search and board built each partner's JSON from its columns
-- (json_build_object over 30 fields, with enum, numeric and timestamp
-- output) on every read: 300 cards of a board, 50 rows of a page, each
-- time.  That was the largest part of what PostgreSQL did for them (a
-- member's board: 97 -> 46 ms average at 16 connections, pgbench of the
-- same statement before and after).  A partner is read far more often than
-- written, so the JSON is now built once per write, by a trigger, and
-- reads concatenate it.
--
-- What depends on the day (reviewDue) is added at read time; the rest
-- depends only on the row.  Timestamps are written in UTC whatever the
-- writer's TimeZone, so a partner's JSON does not depend on who wrote it.
--
-- A migration that changes partner_json_members() must rewrite the
-- column (as below); partner_json_drift() names any row it missed.

-- A timestamp as the API writes it, in UTC: what JSON output of a
-- timestamptz gives with TimeZone = UTC, whatever the writer's TimeZone.
create function public.utc_json_text(ts timestamptz) returns text
language sql stable parallel safe
as $$ select (to_json(ts at time zone 'UTC') #>> '{}') || '+00:00' $$;

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

alter table public.partners add column api_members text;
comment on column public.partners.api_members is
  'Derived: the partner''s API JSON members but reviewDue (partner_json_members), kept by partners_touch_json.';

-- Every partner there is: row-level security is lifted for the owner
-- running this migration, and no trigger fires (nothing the API shows
-- changes: no version, no oplog row).
alter table public.partners no force row level security;
alter table public.partners disable trigger user;
update public.partners p set api_members = public.partner_json_members(p);
alter table public.partners enable trigger user;
alter table public.partners force row level security;
alter table public.partners alter column api_members set not null;

create function public.partner_json_keep() returns trigger
language plpgsql
as $$
begin
  new.api_members := public.partner_json_members(new);
  return new;
end
$$;

-- Same-event triggers fire in name order: this one after partners_touch,
-- so it writes the version and updated_at that the update will have.
create trigger partners_touch_json before insert or update on public.partners
  for each row execute function public.partner_json_keep();

-- The API's JSON for a partner, as text: what the row keeps and whether
-- its review is due today.  Inlined into the statements that call it.
drop function public.api_partner(public.partners);
create function public.api_partner(p public.partners) returns text
language sql stable
as $$
  select '{' || p.api_members || ', "reviewDue" : ' || coalesce(p.next_review <= current_date, false)::text || '}'
$$;
grant execute on function public.api_partner(public.partners) to partnerships_app;

-- The kept JSON is derived: no change of its own, never in the oplog.
drop trigger partners_touch on public.partners;
create trigger partners_touch before update on public.partners
  for each row execute function public.row_touch(
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text',
    'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members');
drop trigger partners_oplog on public.partners;
create trigger partners_oplog after insert or update on public.partners
  for each row execute function public.oplog_write('partners', 'id',
    'referrals_made', 'referrals_received', 'shared_customers', 'revenue_attributed', 'score', 'search_text',
    'campaigns', 'campaign_budget', 'campaign_budgeted_revenue', 'status_rank', 'api_members');

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
grant execute on function public.utc_json_text(timestamptz), public.partner_json_members(public.partners),
  public.partner_json_drift() to partnerships_app;
