-- 028: invitations.  A user can be given a single-use link instead of a
-- password: only the SHA-256 of the link's token is kept (like sessions and
-- API tokens); using it sets the user's password and signs them in, once.
-- A new link for a user (an expired one, or a password forgotten) revokes
-- the ones before it.

create table public.invites (
    id text default public.nanoid() not null,
    user_id text not null,
    token_hash bytea not null,
    created_by text not null,
    created_at timestamp with time zone default now() not null,
    expires_at timestamp with time zone not null,
    used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    constraint invites_pkey primary key (id),
    constraint invites_token_hash_key unique (token_hash),
    constraint invites_user_id_fkey foreign key (user_id) references public.users(id),
    constraint invites_created_by_fkey foreign key (created_by) references public.users(id)
);
create index invites_user_id_idx on public.invites using btree (user_id) where used_at is null and revoked_at is null;
comment on table public.invites is 'Single-use links that set a user''s password and sign them in. Only the SHA-256 of the token is stored; the link is shown once, to whoever made it.';

alter table public.invites enable row level security;
-- The program reads who is invited and until when (never a token's hash);
-- it writes only through the functions below.
grant select (id, user_id, created_by, created_at, expires_at, used_at, revoked_at) on public.invites to partnerships_app;
create policy invites_read on public.invites for select
  using ((select public.app_is_admin()) or created_by = public.current_user_id());

-- A new link for a user (admins only); the user's earlier pending links end.
create function public.auth_invite_create(p_user_id text, p_token_hash bytea, p_ttl interval)
returns json
language plpgsql volatile security definer set search_path = ''
as $$
declare
  made public.invites;
begin
  if not public.app_is_admin() then
    raise exception 'only an admin may invite users' using errcode = 'PT403';
  end if;
  perform from public.users u where u.id = p_user_id and not u.disabled for update;
  if not found then
    raise exception 'no such user, or the user is disabled (enable them first)' using errcode = 'PT404';
  end if;
  update public.invites set revoked_at = now()
   where user_id = p_user_id and used_at is null and revoked_at is null;
  insert into public.invites (user_id, token_hash, created_by, expires_at)
  values (p_user_id, p_token_hash, public.current_user_id(), now() + p_ttl)
  returning * into made;
  return json_build_object('id', made.id, 'expiresAt', made.expires_at);
end
$$;
grant execute on function public.auth_invite_create(p_user_id text, p_token_hash bytea, p_ttl interval) to partnerships_app;

-- Revokes a pending link: an admin's, or its maker's.  False when there is
-- no such pending link for this user to revoke.
create function public.auth_invite_revoke(p_id text)
returns boolean
language sql volatile security definer set search_path = ''
as $$
  with revoked as (
    update public.invites i set revoked_at = now()
     where i.id = p_id and i.used_at is null and i.revoked_at is null
       and (public.app_is_admin() or i.created_by = public.current_user_id())
    returning 1)
  select exists (select 1 from revoked)
$$;
grant execute on function public.auth_invite_revoke(p_id text) to partnerships_app;

-- Uses a link: once, before it expires, for an enabled user.  Sets the
-- password, ends the user's other sessions and links, and starts a session;
-- returns the user as the API shows it, or null for a token that is
-- unknown, used, revoked or expired (one answer for all four).  Two uses at
-- once: the second waits on the row and then finds it used.
create function public.auth_invite_accept(p_token_hash bytea, p_password_hash text, p_session_hash bytea,
                                          p_session_ttl interval, p_address text, p_user_agent text)
returns json
language plpgsql volatile security definer set search_path = ''
as $$
declare
  used public.invites;
begin
  update public.invites i set used_at = now()
   where i.token_hash = p_token_hash and i.used_at is null and i.revoked_at is null and i.expires_at > now()
     and exists (select 1 from public.users u where u.id = i.user_id and not u.disabled)
  returning * into used;
  if not found then
    return null;
  end if;
  insert into public.user_credentials (user_id, password_hash) values (used.user_id, p_password_hash)
  on conflict (user_id) do update set password_hash = excluded.password_hash;
  delete from public.sessions where user_id = used.user_id;
  update public.invites set revoked_at = now()
   where user_id = used.user_id and used_at is null and revoked_at is null;
  return public.auth_session_create(used.user_id, p_session_hash, p_session_ttl, p_address, p_user_agent);
end
$$;
grant execute on function public.auth_invite_accept(p_token_hash bytea, p_password_hash text, p_session_hash bytea, p_session_ttl interval, p_address text, p_user_agent text) to partnerships_app;

-- Whether a user has a password (admins only; null for anyone else): the
-- users page says who can sign in and who still needs a link.
create function public.auth_has_password(p_user_id text)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select case when public.app_is_admin()
              then exists (select 1 from public.user_credentials c where c.user_id = p_user_id) end
$$;
grant execute on function public.auth_has_password(p_user_id text) to partnerships_app;
