-- 031: the partner portal.  A partner's contacts sign in as users of the
-- role partner, each belonging to one partner (users.partner_id), made only
-- through an invitation.
--
-- What they read, they read as the database role partnerships_portal: the
-- program switches to it (set local role) for their requests.  That role is
-- granted only the portal's columns of partners, referrals, campaigns,
-- shared customers and users, and its policies admit only the rows of the
-- acting user's own partner.  Run as partnerships_app instead (a program
-- that forgot to switch), a partner user reads nothing: they own no partner
-- and are no admin.
--
-- What they write (a lead registered, an intro answered) goes through two
-- functions that do exactly that for their own partner: the record is
-- written as the partner's owner would write it (so every rule, lock and
-- figure of an internal write applies), and the oplog names the partner
-- user as the actor.

do $$
begin
  if not exists (select from pg_roles where rolname = 'partnerships_portal')
     or not pg_has_role('partnerships_app', 'partnerships_portal', 'MEMBER')
     or (select rolinherit from pg_roles where rolname = 'partnerships_app') then
    raise exception 'the partner portal needs the role partnerships_portal.  As a superuser run: '
      'create role partnerships_portal nologin; grant partnerships_portal to partnerships_app; '
      'alter role partnerships_app noinherit;  then migrate again';
  end if;
end
$$;

-- Who acts: the oplog names partnerships.actor_id when it is set (a partner
-- user's write made as their partner's owner), else the acting user.
create or replace function public.oplog_write() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  ignored text[] := array['created_at', 'updated_at', 'version'] || coalesce(TG_ARGV[2:]::text[], '{}');
  new_row jsonb := to_jsonb(new);
  old_row jsonb := case when TG_OP = 'UPDATE' then to_jsonb(old) else '{}'::jsonb end;
  changed jsonb;
  operation text := 'insert';
begin
  select jsonb_object_agg(public.api_name(n.key),
                          jsonb_build_array(coalesce(old_row -> n.key, 'null'::jsonb), n.value))
    into changed
    from jsonb_each(new_row) n
   where n.key <> all (ignored)
     and n.value is distinct from coalesce(old_row -> n.key, 'null'::jsonb);
  if changed is null then
    return null;
  end if;
  if TG_OP = 'UPDATE' then
    operation := case
      when old_row ->> 'deleted_at' is null and new_row ->> 'deleted_at' is not null then 'delete'
      when old_row ->> 'deleted_at' is not null and new_row ->> 'deleted_at' is null then 'restore'
      else 'update' end;
  end if;
  insert into public.oplog (actor_user_id, entity, record_id, partner_id, op, changes)
  values (coalesce(nullif(current_setting('partnerships.actor_id', true), ''), public.current_user_id()), TG_ARGV[0], new.id,
          case when TG_ARGV[1] <> '' then new_row ->> TG_ARGV[1] end,
          operation, changed);
  return null;
end
$$;

-- A partner user belongs to exactly one partner; no one else belongs to any.
alter table public.users add column partner_id text;
alter table public.users add constraint users_partner_id_fkey foreign key (partner_id) references public.partners(id);
alter table public.users add constraint users_partner_id_check check ((role = 'partner') = (partner_id is not null));
create index users_partner_id_idx on public.users using btree (partner_id) where partner_id is not null;
comment on column public.users.partner_id is 'The partner a partner user (a contact, through the portal) belongs to; null for everyone else.';
comment on constraint users_partner_id_check on public.users is 'a partner user belongs to a partner, and only a partner user does (invite them from the partner)';

create or replace function public.api_user(u public.users) returns json
language sql stable
as $$
  select json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
                           'disabled', u.disabled, 'createdAt', u.created_at,
                           'updatedAt', u.updated_at, 'version', u.version, 'partnerId', u.partner_id)
$$;

-- The acting user's partner, when they are an enabled partner user.
create function public.app_partner_id() returns text
language sql stable security definer set search_path = ''
as $$
  select u.partner_id from public.users u
   where u.id = public.current_user_id() and u.role = 'partner' and not u.disabled
$$;
grant execute on function public.app_partner_id() to partnerships_app, partnerships_portal;
grant execute on function public.current_user_id() to partnerships_portal;
grant execute on function public.app_is_admin() to partnerships_portal;
grant usage on schema public to partnerships_portal;

-- A partner user owns nothing and cannot be given anything to own.
create function public.owner_not_partner() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if exists (select 1 from public.users u where u.id = new.owner_user_id and u.role = 'partner') then
    raise exception 'must be one of your company''s users, not a partner''s contact' using errcode = 'PT422', column = 'owner_user_id';
  end if;
  return new;
end
$$;
create trigger partners_owner_not_partner before insert or update of owner_user_id on public.partners
  for each row execute function public.owner_not_partner();

-- What the portal's contacts wrote and answered, on the referral.
alter table public.referrals
  add column partner_message text,
  add column duplicate_lead boolean default false not null,
  add column partner_answered_at timestamp with time zone,
  add constraint referrals_partner_message_check check (length(partner_message) <= 5000);
comment on column public.referrals.partner_message is 'What the partner wrote when registering the lead through the portal (read-only).';
comment on column public.referrals.duplicate_lead is 'Derived: the lead was already registered (an inbound referral, not lost, same email or company) within the protection window when this one was made.';
comment on column public.referrals.partner_answered_at is 'When the partner answered this outbound intro in the portal (partnerOptIn is their answer); null: not answered there.';

-- Every referral's lead, apart from row-level security: whether a lead is
-- already registered is a question over every partner's referrals, which
-- no user may read.  The program has no privilege on it.
create table public.lead_registry (
    referral_id text not null,
    inbound boolean not null,
    live boolean not null,
    email text,
    company text,
    referred_date date not null,
    constraint lead_registry_pkey primary key (referral_id)
);
create index lead_registry_email_idx on public.lead_registry using btree (email, referred_date) where inbound and live;
create index lead_registry_company_idx on public.lead_registry using btree (company, referred_date) where inbound and live;
comment on table public.lead_registry is 'Each referral''s lead (email lower-cased, company lower-cased and trimmed), kept by a trigger, for the protection window''s duplicate check across partners.';

create function public.lead_key_email(email text) returns text
language sql immutable as $$ select nullif(lower(btrim(email)), '') $$;
create function public.lead_key_company(company text) returns text
language sql immutable as $$ select nullif(lower(btrim(company)), '') $$;

create function public.lead_registry_follow() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.lead_registry (referral_id, inbound, live, email, company, referred_date)
  values (new.id, new.direction = 'inbound', new.deleted_at is null and new.status <> 'lost',
          public.lead_key_email(new.lead_email), public.lead_key_company(new.lead_company), new.referred_date)
  on conflict (referral_id) do update
    set inbound = excluded.inbound, live = excluded.live, email = excluded.email, company = excluded.company,
        referred_date = excluded.referred_date;
  return null;
end
$$;
create trigger referrals_lead_registry after insert or update on public.referrals
  for each row execute function public.lead_registry_follow();

-- The protection window in days: the program sets it per connection from
-- PARTNERSHIPS_REFERRAL_PROTECTION_DAYS; 90 otherwise.
create function public.lead_protection_days() returns integer
language sql stable
as $$ select coalesce(nullif(current_setting('partnerships.protection_days', true), '')::integer, 90) $$;

-- Registrations of one lead, one at a time to commit: two partners sending
-- the same lead at once cannot both find it free.
create function public.lead_lock(p_email text, p_company text) returns void
language sql volatile
as $$
  select pg_advisory_xact_lock(727276, hashtext(k)) from
    (select k from unnest(array['e:' || public.lead_key_email(p_email), 'c:' || public.lead_key_company(p_company)]) k
      where k is not null order by k) keys
$$;

create function public.lead_registered(p_email text, p_company text, p_exclude_id text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.lead_registry r
     where r.inbound and r.live and r.referral_id is distinct from p_exclude_id
       and r.referred_date > current_date - public.lead_protection_days()
       and (r.email = public.lead_key_email(p_email) or r.company = public.lead_key_company(p_company)))
$$;

-- Every inbound referral says whether its lead was registered before it.
create function public.referral_duplicate_lead() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.direction = 'inbound' then
    perform public.lead_lock(new.lead_email, new.lead_company);
    new.duplicate_lead := public.lead_registered(new.lead_email, new.lead_company, new.id);
  else
    new.duplicate_lead := false;
  end if;
  return new;
end
$$;
create trigger referrals_duplicate_lead before insert on public.referrals
  for each row execute function public.referral_duplicate_lead();

-- Every referral there is, registered: row-level security lifted for the
-- owner running this (no user acts here).
alter table public.referrals no force row level security;
insert into public.lead_registry (referral_id, inbound, live, email, company, referred_date)
select r.id, r.direction = 'inbound', r.deleted_at is null and r.status <> 'lost',
       public.lead_key_email(r.lead_email), public.lead_key_company(r.lead_company), r.referred_date
  from public.referrals r;
alter table public.referrals force row level security;

-- The internal API shows the three new fields after partnerOptIn (the
-- positions after it move down three); none is written by the program.
update public.api_fields set position = -position where collection = 'referrals' and position > 15;
update public.api_fields set position = -position + 3 where collection = 'referrals' and position < 0;
insert into public.api_fields (collection, position, name, value, kind, sortable, filterable, kept, lookup) values
  ('referrals', 16, 'partnerAnsweredAt', null, null, true, false, false, null),
  ('referrals', 17, 'partnerMessage', null, null, false, false, false, null),
  ('referrals', 18, 'duplicateLead', null, null, false, true, false, null);

-- The portal's reading: columns granted, rows by policy, to
-- partnerships_portal alone.  (partnerships_app does not inherit it.)
grant select (id, company, type, status, tier, agreement_url, commission_rate, owner_user_id, referrals_made,
              referrals_received, conversions, revenue_attributed, commission_paid, deleted_at)
  on public.partners to partnerships_portal;
grant select (id, partner_id, direction, lead_name, lead_company, lead_email, status, deal_value, referred_date,
              converted_date, commission_amount, commission_paid, lead_opt_in, partner_opt_in, partner_answered_at,
              version, deleted_at)
  on public.referrals to partnerships_portal;
grant select (id, partner_id, name, type, status, start_date, end_date, deliverables, deleted_at)
  on public.campaigns to partnerships_portal;
grant select (id, partner_id, customer, health, deleted_at) on public.shared_customers to partnerships_portal;
grant select (id, name, email) on public.users to partnerships_portal;

create policy partners_portal on public.partners for select to partnerships_portal
  using (id = (select public.app_partner_id()) and deleted_at is null);
create policy referrals_portal on public.referrals for select to partnerships_portal
  using (partner_id = (select public.app_partner_id()) and deleted_at is null);
create policy campaigns_portal on public.campaigns for select to partnerships_portal
  using (partner_id = (select public.app_partner_id()) and deleted_at is null);
create policy shared_customers_portal on public.shared_customers for select to partnerships_portal
  using (partner_id = (select public.app_partner_id()) and deleted_at is null);
-- A partner user sees themself and their partner manager, no other user.
drop policy users_read on public.users;
create policy users_read on public.users for select to partnerships_app using (public.current_user_id() is not null);
create policy users_portal on public.users for select to partnerships_portal
  using (id = public.current_user_id()
         or id = (select p.owner_user_id from public.partners p where p.id = (select public.app_partner_id())));

-- A partner's owner enables and disables its contacts (the program lets a
-- member change only that); they stay that partner's contacts.
create policy users_update_contacts on public.users for update to partnerships_app
  using (role = 'partner' and exists (select 1 from public.partners p
                                       where p.id = partner_id and p.owner_user_id = public.current_user_id()))
  with check (role = 'partner' and exists (select 1 from public.partners p
                                            where p.id = partner_id and p.owner_user_id = public.current_user_id()));

-- The portal's writing functions run as the schema's owner, whose reads
-- row-level security also governs: it sees the acting partner user's own
-- partner, to find its owner.
create policy partners_portal_writes on public.partners for select to partnerships_owner
  using (id = public.app_partner_id());

-- A portal write is made as the acting partner user's partner's owner
-- would make it, the oplog naming the partner user (partnerships.actor_id).
-- portal_act() switches and returns the partner (null: no active partner,
-- nothing switched); portal_acted() switches back.
create function public.portal_act() returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  mine text := public.app_partner_id();
  partner_owner text;
begin
  select p.owner_user_id into partner_owner from public.partners p where p.id = mine and p.deleted_at is null;
  if partner_owner is null then
    return null;
  end if;
  perform set_config('partnerships.actor_id', public.current_user_id(), true);
  perform set_config('partnerships.user_id', partner_owner, true);
  return mine;
end
$$;

create function public.portal_acted() returns void
language sql volatile security definer set search_path = ''
as $$
  select set_config('partnerships.user_id', current_setting('partnerships.actor_id'), true),
         set_config('partnerships.actor_id', '', true)
$$;

-- A lead registered through the portal: an inbound referral of the acting
-- partner user's partner, status introduced, their message kept.  A lead
-- already registered (by any partner) within the window: 409 with a message
-- that names no one.  Returns the new referral's id.
create function public.portal_register_referral(p_lead_name text, p_lead_company text, p_lead_email text,
                                                p_deal_value numeric, p_message text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  mine text := public.portal_act();
  made text;
begin
  if mine is null then
    raise exception 'only an active partner''s contact may register a lead' using errcode = 'PT403';
  end if;
  perform public.lead_lock(p_lead_email, p_lead_company);
  if public.lead_registered(p_lead_email, p_lead_company, null) then
    raise exception 'this lead is already registered; ask your partner manager' using errcode = 'PT409';
  end if;
  insert into public.referrals (partner_id, direction, status, lead_name, lead_company, lead_email, deal_value, partner_message)
  values (mine, 'inbound', 'introduced', p_lead_name, p_lead_company, p_lead_email, p_deal_value, p_message)
  returning id into made;
  perform public.portal_acted();
  return made;
end
$$;
grant execute on function public.portal_register_referral(p_lead_name text, p_lead_company text, p_lead_email text, p_deal_value numeric, p_message text) to partnerships_portal;

-- The partner's answer to an outbound intro, once.  False: no such intro of
-- theirs (another partner's, an inbound referral, none); 409 when answered.
create function public.portal_answer_intro(p_id text, p_accept boolean)
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
declare
  mine text := public.portal_act();
  answered timestamptz;
begin
  if mine is null then
    return false;
  end if;
  select r.partner_answered_at into answered from public.referrals r
   where r.id = p_id and r.partner_id = mine and r.direction = 'outbound' and r.deleted_at is null
   for update;
  if not found then
    perform public.portal_acted();
    return false;
  end if;
  if answered is not null then
    raise exception 'you answered this intro already' using errcode = 'PT409';
  end if;
  update public.referrals set partner_opt_in = p_accept, partner_answered_at = now() where id = p_id;
  perform public.portal_acted();
  return true;
end
$$;
grant execute on function public.portal_answer_intro(p_id text, p_accept boolean) to partnerships_portal;

-- Invitations to the portal: a contact of a partner, by its owner or an
-- admin.  The user is made now (role partner, no password); the link sets
-- the password.  Returns {"id","email","expiresAt"}.
create function public.auth_partner_invite(p_partner_id text, p_email text, p_name text, p_token_hash bytea, p_ttl interval)
returns json
language plpgsql volatile security definer set search_path = ''
as $$
declare
  invited public.users;
  made public.invites;
begin
  -- Read as the acting user: a partner they may not see is not found.
  perform from public.partners p where p.id = p_partner_id and p.deleted_at is null;
  if not found or public.app_partner_id() is not null then
    raise exception 'no such partner' using errcode = 'PT404';
  end if;
  insert into public.users (email, name, role, partner_id) values (btrim(p_email), btrim(p_name), 'partner', p_partner_id)
  returning * into invited;
  insert into public.invites (user_id, token_hash, created_by, expires_at)
  values (invited.id, p_token_hash, public.current_user_id(), now() + p_ttl)
  returning * into made;
  return json_build_object('id', made.id, 'email', invited.email, 'expiresAt', made.expires_at);
end
$$;
grant execute on function public.auth_partner_invite(p_partner_id text, p_email text, p_name text, p_token_hash bytea, p_ttl interval) to partnerships_app;

-- The partner's pending invitations and its portal users, for its owner or
-- an admin: {"items":[{"id","email","name","expiresAt"}],"users":[{"id","email","name","disabled"}]}.
create function public.auth_partner_invites(p_partner_id text)
returns json
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform from public.partners p where p.id = p_partner_id and p.deleted_at is null;
  if not found or public.app_partner_id() is not null then
    raise exception 'no such partner' using errcode = 'PT404';
  end if;
  return json_build_object(
    'items', coalesce((select json_agg(json_build_object('id', i.id, 'email', u.email, 'name', u.name,
                                                         'expiresAt', i.expires_at) order by i.created_at)
                         from public.invites i join public.users u on u.id = i.user_id
                        where u.partner_id = p_partner_id and i.used_at is null and i.revoked_at is null
                          and i.expires_at > now()), '[]'::json));
end
$$;
grant execute on function public.auth_partner_invites(p_partner_id text) to partnerships_app;

-- A pending link is revoked by an admin, its maker, or the owner of the
-- partner its user belongs to.
create or replace function public.auth_invite_revoke(p_id text)
returns boolean
language sql volatile security definer set search_path = ''
as $$
  with revoked as (
    update public.invites i set revoked_at = now()
     where i.id = p_id and i.used_at is null and i.revoked_at is null
       and (public.app_is_admin() or i.created_by = public.current_user_id()
            or exists (select 1 from public.users u join public.partners p on p.id = u.partner_id
                        where u.id = i.user_id and p.owner_user_id = public.current_user_id()))
    returning 1)
  select exists (select 1 from revoked)
$$;
