-- 009: the overview's totals kept per owner and status.
--
-- The overview counted and summed every one of the reader's partners, and
-- counted their outbound referrals, on every request: its cost grew with
-- the company (7x at ten times the partners).  The partners, revenue
-- attributed and intros made (the partners' kept count of outbound
-- referrals) are now kept per owner and status by a trigger on partners, as
-- differences in the writer's transaction, so the overview reads at most one
-- row per status and owner.  Reviews due depend on today's date, so they are
-- still counted, from an index of each owner's review dates.
--
-- A create or status change for an owner waits for another transaction
-- changing the same owner's total of that status to commit: a short wait
-- per write, traded for reads that no longer grow with the data.

create table public.partner_totals (
  owner_user_id text not null references public.users (id),
  status_rank smallint not null,
  partners integer not null default 0,
  revenue numeric(16, 2) not null default 0,
  intros integer not null default 0,
  primary key (owner_user_id, status_rank)
);
comment on table public.partner_totals is
  'Live partners, revenue attributed and outbound referrals per owner and status (kept by partner_totals_follow).';
-- Readers see their own totals, admins everyone's; only the trigger writes
-- (as the owner of the tables, which the policy does not bind).
alter table public.partner_totals enable row level security;
create policy partner_totals_read on public.partner_totals for select
  using (owner_user_id = (select public.current_user_id()) or (select public.app_is_admin()));
grant select on public.partner_totals to partnerships_app;

create function public.partner_totals_add(p_owner text, p_rank smallint, p_partners integer, p_revenue numeric,
                                          p_intros integer) returns void
language sql security definer set search_path = ''
as $$
  insert into public.partner_totals as t (owner_user_id, status_rank, partners, revenue, intros)
  values (p_owner, p_rank, p_partners, p_revenue, p_intros)
  on conflict (owner_user_id, status_rank) do update
    set partners = t.partners + excluded.partners,
        revenue = t.revenue + excluded.revenue,
        intros = t.intros + excluded.intros
$$;

-- AFTER each change of a partner: what the old row counted leaves its
-- total, what the new row counts joins its own.
create function public.partner_totals_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  was_live boolean := false;
  is_live boolean := false;
begin
  if TG_OP <> 'INSERT' then
    was_live := old.deleted_at is null;
  end if;
  if TG_OP <> 'DELETE' then
    is_live := new.deleted_at is null;
  end if;
  if was_live and is_live and old.owner_user_id = new.owner_user_id and old.status_rank = new.status_rank then
    if old.revenue_attributed <> new.revenue_attributed or old.referrals_received <> new.referrals_received then
      perform public.partner_totals_add(new.owner_user_id, new.status_rank, 0,
                                        new.revenue_attributed - old.revenue_attributed,
                                        new.referrals_received - old.referrals_received);
    end if;
    return null;
  end if;
  -- Two totals: in key order, so two writers never wait on each other's
  -- totals crosswise.
  if was_live and (not is_live or (old.owner_user_id, old.status_rank) < (new.owner_user_id, new.status_rank)) then
    perform public.partner_totals_add(old.owner_user_id, old.status_rank, -1, -old.revenue_attributed, -old.referrals_received);
    was_live := false;
  end if;
  if is_live then
    perform public.partner_totals_add(new.owner_user_id, new.status_rank, 1, new.revenue_attributed, new.referrals_received);
  end if;
  if was_live then
    perform public.partner_totals_add(old.owner_user_id, old.status_rank, -1, -old.revenue_attributed, -old.referrals_received);
  end if;
  return null;
end
$$;
-- An update that changes none of what the totals count (most do not: an
-- edit, a referral's other figures) is passed over before any function runs.
create trigger partners_totals after insert or delete on public.partners
  for each row execute function public.partner_totals_follow();
create trigger partners_totals_update after update on public.partners
  for each row when (old.owner_user_id is distinct from new.owner_user_id or old.status is distinct from new.status
                     or (old.deleted_at is null) <> (new.deleted_at is null)
                     or old.revenue_attributed <> new.revenue_attributed
                     or old.referrals_received <> new.referrals_received)
  execute function public.partner_totals_follow();

-- The recount the kept totals must equal (tests compare them).
create function public.partner_totals_recount()
returns table (owner_user_id text, status_rank smallint, partners bigint, revenue numeric, intros bigint)
language sql stable
as $$
  select p.owner_user_id, p.status_rank, count(*), sum(p.revenue_attributed), sum(p.referrals_received)
    from public.partners p where p.deleted_at is null group by p.owner_user_id, p.status_rank
$$;

-- The owners and statuses whose kept totals differ from the recount: none,
-- always (the SQL tests and the soak check it).
create function public.partner_totals_drift()
returns table (owner_user_id text, status_rank smallint)
language sql stable
as $$
  select owner_user_id, status_rank
    from public.partner_totals t full join public.partner_totals_recount() r using (owner_user_id, status_rank)
   where coalesce(t.partners, 0) <> coalesce(r.partners, 0) or coalesce(t.revenue, 0) <> coalesce(r.revenue, 0)
      or coalesce(t.intros, 0) <> coalesce(r.intros, 0)
$$;
grant execute on function public.partner_totals_recount(), public.partner_totals_drift() to partnerships_app;

-- The totals of the partners there are: every row, so row-level security
-- is lifted for the owner running this migration, inside its transaction.
alter table public.partners no force row level security;
insert into public.partner_totals (owner_user_id, status_rank, partners, revenue, intros)
select r.owner_user_id, r.status_rank, r.partners, r.revenue, r.intros from public.partner_totals_recount() r;
alter table public.partners force row level security;

-- Reviews due: a member's due partners, found by date.
create index partners_owner_review_idx on public.partners (owner_user_id, next_review) where deleted_at is null;
