-- 01: users, their credentials, sessions, API tokens and sign-in throttling,
-- and the SECURITY DEFINER functions (auth_*, user_create) through which the
-- application role reaches them.  app_is_admin() and the users' triggers and
-- policies are at the end.

CREATE TYPE public.user_role AS ENUM (
    'admin',
    'member',
    'partner'
);

CREATE TABLE public.users (
    id text DEFAULT public.nanoid() NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    role public.user_role DEFAULT 'member'::public.user_role NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    partner_id text,
    CONSTRAINT users_partner_id_check CHECK (((role = 'partner'::public.user_role) = (partner_id IS NOT NULL))),
    CONSTRAINT users_email_check CHECK (((email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'::text) AND (length(email) <= 254))),
    CONSTRAINT users_name_check CHECK (((btrim(name) <> ''::text) AND (length(name) <= 200)))
);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX users_email_key ON public.users USING btree (lower(email));
CREATE INDEX users_partner_id_idx ON public.users USING btree (partner_id) WHERE (partner_id IS NOT NULL);

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

COMMENT ON TABLE public.users IS 'People who sign in. Never deleted: disabled instead, so the oplog keeps its actors.';
COMMENT ON CONSTRAINT users_email_check ON public.users IS 'must be an email address';
COMMENT ON CONSTRAINT users_name_check ON public.users IS 'must be 1 to 200 characters';
COMMENT ON INDEX public.users_email_key IS 'a user with this email exists already';
comment on column public.users.partner_id is 'The partner a partner user (a contact, through the portal) belongs to; null for everyone else.';
comment on constraint users_partner_id_check on public.users is 'a partner user belongs to a partner, and only a partner user does (invite them from the partner)';

grant select on public.users to partnerships_app;
grant update (name, role, disabled) on public.users to partnerships_app;

CREATE TABLE public.user_credentials (
    user_id text NOT NULL,
    password_hash text NOT NULL
);
ALTER TABLE ONLY public.user_credentials
    ADD CONSTRAINT user_credentials_pkey PRIMARY KEY (user_id);
ALTER TABLE ONLY public.user_credentials
    ADD CONSTRAINT user_credentials_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

COMMENT ON TABLE public.user_credentials IS 'Password hashes (argon2id strings from libsodium), apart from users so that the application role can read users whole and never a hash. No row: no password sign-in (single sign-on only).';

CREATE TABLE public.sessions (
    token_hash bytea NOT NULL,
    user_id text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    address text,
    user_agent text
);
ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash);
ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

CREATE INDEX sessions_user_id_idx ON public.sessions USING btree (user_id);

COMMENT ON TABLE public.sessions IS 'Browser sessions. Only the SHA-256 of the cookie value is stored.';

CREATE TABLE public.api_tokens (
    id text DEFAULT public.nanoid() NOT NULL,
    user_id text NOT NULL,
    name text NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    CONSTRAINT api_tokens_name_check CHECK (((btrim(name) <> ''::text) AND (length(name) <= 100)))
);
ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);
ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

CREATE INDEX api_tokens_user_id_idx ON public.api_tokens USING btree (user_id);

COMMENT ON TABLE public.api_tokens IS 'Bearer tokens for scripts. Only the SHA-256 of the token is stored; the token is shown once.';

CREATE TABLE public.login_failures (
    key text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    failures integer NOT NULL
);
ALTER TABLE ONLY public.login_failures
    ADD CONSTRAINT login_failures_pkey PRIMARY KEY (key);

COMMENT ON TABLE public.login_failures IS 'Sign-in attempts not (yet) known to have succeeded, per key (''pair:<address> <email>'': an account from one address, or ''address:<ip>'': every account from one address) in the current window, for throttling.';

-- True when the acting user is an enabled admin.  Policies call it as
-- (select public.app_is_admin()) so that it runs once per statement.
create function public.app_is_admin() returns boolean
language plpgsql stable security definer set search_path = ''
as $$
begin
  return exists (select 1 from public.users u
                 where u.id = public.current_user_id() and u.role = 'admin' and not u.disabled);
end
$$;
grant execute on function public.app_is_admin() to partnerships_app;
grant execute on function public.app_is_admin() to partnerships_portal;

-- The acting user's partner, when they are an enabled partner user.
create function public.app_partner_id() returns text
language plpgsql stable security definer set search_path = ''
as $$
begin
  return (select u.partner_id from public.users u
           where u.id = public.current_user_id() and u.role = 'partner' and not u.disabled);
end
$$;
grant execute on function public.app_partner_id() to partnerships_app, partnerships_portal;

-- The API's view of a user: never a password hash.
create function public.api_user(u public.users) returns json
language sql stable
as $$
  select json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
                           'disabled', u.disabled, 'createdAt', u.created_at,
                           'updatedAt', u.updated_at, 'version', u.version, 'partnerId', u.partner_id)
$$;
grant execute on function public.api_user(u public.users) to partnerships_app;

create or replace function public.users_guard() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.disabled and not old.disabled then
    delete from public.sessions where user_id = new.id;
    delete from public.api_tokens where user_id = new.id;
  end if;
  if (old.role = 'admin' and not old.disabled) and (new.role <> 'admin' or new.disabled) then
    -- One demotion at a time, held to commit: the count below (a new
    -- snapshot, taken after the lock) sees every demotion before it.
    -- (727274 is the migrator's lock, a key of its own.)
    perform pg_advisory_xact_lock(727275);
    if not exists (select 1 from public.users u
                    where u.role = 'admin' and not u.disabled and u.id <> new.id) then
      raise exception 'the last admin cannot be demoted or disabled'
        using errcode = 'PT409', column = 'role';
    end if;
  end if;
  return null;
end
$$;

-- The password hash of an enabled user, for the program to verify; nothing
-- (no row) for an unknown or disabled user.
create function public.auth_login_lookup(p_email text)
returns table (user_id text, password_hash text)
language sql stable security definer set search_path = ''
as $$
  select u.id, c.password_hash from public.users u join public.user_credentials c on c.user_id = u.id
  where lower(u.email) = lower(btrim(p_email)) and not u.disabled
$$;
grant execute on function public.auth_login_lookup(p_email text) to partnerships_app;

-- True while neither the account nor the address has reached its limit of
-- failed sign-ins within the window.
create function public.auth_login_allowed(p_email text, p_address text,
                                          p_max_account integer, p_max_address integer,
                                          p_window interval)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select not exists (
    select 1 from public.login_failures f
    where f.window_start > now() - p_window
      and ((f.key = 'account:' || lower(btrim(p_email)) and f.failures >= p_max_account)
        or (f.key = 'address:' || coalesce(p_address, '') and f.failures >= p_max_address)))
$$;
COMMENT ON FUNCTION public.auth_login_allowed(p_email text, p_address text, p_max_account integer, p_max_address integer, p_window interval) IS 'Before 019: the check of the per-account limit; superseded by auth_login_attempt.';
grant execute on function public.auth_login_allowed(p_email text, p_address text, p_max_account integer, p_max_address integer, p_window interval) to partnerships_app;

create function public.auth_login_failed(p_email text, p_address text, p_window interval)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into public.login_failures as f (key, window_start, failures)
  values ('account:' || lower(btrim(p_email)), now(), 1),
         ('address:' || coalesce(p_address, ''), now(), 1)
  on conflict (key) do update
    set failures = case when f.window_start > now() - p_window then f.failures + 1 else 1 end,
        window_start = case when f.window_start > now() - p_window then f.window_start else now() end
$$;
COMMENT ON FUNCTION public.auth_login_failed(p_email text, p_address text, p_window interval) IS 'Before 019: counted a failure after the fact; superseded by auth_login_attempt.';
grant execute on function public.auth_login_failed(p_email text, p_address text, p_window interval) to partnerships_app;

create function public.auth_login_succeeded(p_email text)
returns void
language sql volatile security definer set search_path = ''
as $$ delete from public.login_failures where key = 'account:' || lower(btrim(p_email)) $$;
grant execute on function public.auth_login_succeeded(p_email text) to partnerships_app;

-- A new session for a user who just proved their password; returns the
-- user as the API shows it.
create function public.auth_session_create(p_user_id text, p_token_hash bytea, p_ttl interval,
                                           p_address text, p_user_agent text)
returns json
language sql volatile security definer set search_path = ''
as $$
  delete from public.sessions where expires_at < now();
  insert into public.sessions (token_hash, user_id, expires_at, address, user_agent)
  values (p_token_hash, p_user_id, now() + p_ttl, p_address, left(p_user_agent, 300));
  select public.api_user(u) from public.users u where u.id = p_user_id;
$$;
grant execute on function public.auth_session_create(p_user_id text, p_token_hash bytea, p_ttl interval, p_address text, p_user_agent text) to partnerships_app;

create function public.auth_session_delete(p_token_hash bytea)
returns void
language sql volatile security definer set search_path = ''
as $$ delete from public.sessions where token_hash = p_token_hash $$;
grant execute on function public.auth_session_delete(p_token_hash bytea) to partnerships_app;

-- last_seen_at / last_used_at, at most once a minute as before, and never
-- waited for: a row another transaction of the same session or token holds
-- (a long import that wrote it when it began) is skipped, not waited on
-- until that transaction ends (the other requests of a user whose import
-- ran ended in 503 after the statement timeout).
create or replace function public.auth_begin(p_token_hash bytea)
returns table (id text, role public.user_role, user_json json)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  found_user text;
begin
  perform from public.sessions s
   where s.token_hash = p_token_hash and s.expires_at > now() and s.last_seen_at < now() - interval '1 minute'
   for update skip locked;
  if found then
    update public.sessions s set last_seen_at = now() where s.token_hash = p_token_hash;
  end if;
  select s.user_id into found_user from public.sessions s
   where s.token_hash = p_token_hash and s.expires_at > now();
  if found_user is null then
    perform from public.api_tokens t
     where t.token_hash = p_token_hash and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute')
     for update skip locked;
    if found then
      update public.api_tokens t set last_used_at = now() where t.token_hash = p_token_hash;
    end if;
    select t.user_id into found_user from public.api_tokens t where t.token_hash = p_token_hash;
  end if;
  if found_user is null then
    return;
  end if;
  return query
    select u.id, u.role, public.api_user(u) from public.users u where u.id = found_user and not u.disabled;
  if found then
    perform set_config('partnerships.user_id', found_user, true);
  end if;
end
$$;
grant execute on function public.auth_begin(p_token_hash bytea) to partnerships_app;

-- Set the acting user's own password hash; ends their other sessions.
create function public.auth_password_set(p_hash text, p_keep_session bytea)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into public.user_credentials (user_id, password_hash) values (public.current_user_id(), p_hash)
  on conflict (user_id) do update set password_hash = excluded.password_hash;
  delete from public.sessions where user_id = public.current_user_id() and token_hash is distinct from p_keep_session;
$$;
grant execute on function public.auth_password_set(p_hash text, p_keep_session bytea) to partnerships_app;

create function public.auth_token_create(p_name text, p_token_hash bytea)
returns json
language sql volatile security definer set search_path = ''
as $$
  insert into public.api_tokens (user_id, name, token_hash)
  values (public.current_user_id(), btrim(p_name), p_token_hash)
  returning json_build_object('id', id, 'name', name, 'createdAt', created_at, 'lastUsedAt', last_used_at)
$$;
grant execute on function public.auth_token_create(p_name text, p_token_hash bytea) to partnerships_app;

create function public.auth_token_list()
returns json
language sql stable security definer set search_path = ''
as $$
  select json_build_object('items', coalesce(json_agg(json_build_object(
           'id', t.id, 'name', t.name, 'createdAt', t.created_at, 'lastUsedAt', t.last_used_at)
           order by t.created_at), '[]'::json))
  from public.api_tokens t where t.user_id = public.current_user_id()
$$;
grant execute on function public.auth_token_list() to partnerships_app;

create function public.auth_token_delete(p_id text)
returns boolean
language sql volatile security definer set search_path = ''
as $$
  with gone as (delete from public.api_tokens where id = p_id and user_id = public.current_user_id() returning 1)
  select exists (select 1 from gone)
$$;
grant execute on function public.auth_token_delete(p_id text) to partnerships_app;

-- A new user (and their password hash, if any), made by an admin; returns
-- the user as the API shows it.
create function public.user_create(p_email text, p_name text, p_role public.user_role, p_hash text)
returns json
language plpgsql volatile security definer set search_path = ''
as $$
declare
  created public.users;
begin
  if not public.app_is_admin() then
    raise exception 'only an admin may add users' using errcode = 'PT403';
  end if;
  insert into public.users (email, name, role) values (btrim(p_email), btrim(p_name), coalesce(p_role, 'member'))
  returning * into created;
  if p_hash is not null then
    insert into public.user_credentials (user_id, password_hash) values (created.id, p_hash);
  end if;
  return public.api_user(created);
end
$$;
grant execute on function public.user_create(p_email text, p_name text, p_role public.user_role, p_hash text) to partnerships_app;

-- The user nginx authenticated, by email: found (case-insensitively), or
-- created as a member named after the part before the @.  Returns the id,
-- or null for a disabled account.  The program calls it only in
-- remote-user mode and only with the name nginx passed.
create function public.auth_remote_user(p_email text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  found_user public.users;
begin
  select * into found_user from public.users u where lower(u.email) = lower(btrim(p_email));
  if not found then
    insert into public.users (email, name, role)
    values (btrim(p_email), split_part(btrim(p_email), '@', 1), 'member')
    on conflict do nothing
    returning * into found_user;
    if found_user.id is null then   -- made at the same moment by another request
      select * into found_user from public.users u where lower(u.email) = lower(btrim(p_email));
    end if;
  end if;
  return case when found_user.disabled then null else found_user.id end;
end
$$;
grant execute on function public.auth_remote_user(p_email text) to partnerships_app;

-- Counts one attempt against the account-and-address and the address
-- limits; true when neither is over its limit with it, so the password
-- may be verified.  An attempt refused is counted too (the window does not
-- move, so waiting it out is enough).
create function public.auth_login_attempt(p_email text, p_address text, p_max_pair integer, p_max_address integer,
                                          p_window interval)
returns boolean
language sql volatile security definer set search_path = ''
as $$
  with counted as (
    insert into public.login_failures as f (key, window_start, failures)
    values ('pair:' || coalesce(p_address, '') || ' ' || lower(btrim(p_email)), now(), 1),
           ('address:' || coalesce(p_address, ''), now(), 1)
    on conflict (key) do update
      set failures = case when f.window_start > now() - p_window then f.failures + 1 else 1 end,
          window_start = case when f.window_start > now() - p_window then f.window_start else now() end
    returning f.key, f.failures)
  select bool_and(failures <= case when key like 'address:%' then p_max_address else p_max_pair end) from counted
$$;
grant execute on function public.auth_login_attempt(p_email text, p_address text, p_max_pair integer, p_max_address integer, p_window interval) to partnerships_app;

-- The password was right: the pair starts again from nothing, and the
-- address's count loses this attempt (it counts failures).
create function public.auth_login_passed(p_email text, p_address text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from public.login_failures where key = 'pair:' || coalesce(p_address, '') || ' ' || lower(btrim(p_email));
  update public.login_failures set failures = failures - 1
   where key = 'address:' || coalesce(p_address, '') and failures > 0;
$$;
grant execute on function public.auth_login_passed(p_email text, p_address text) to partnerships_app;

-- Ends every API token of the acting user (POST /me/password with
-- "endTokens": true), in the password change's transaction.
create function public.auth_tokens_end()
returns void
language sql volatile security definer set search_path = ''
as $$ delete from public.api_tokens where user_id = public.current_user_id() $$;
grant execute on function public.auth_tokens_end() to partnerships_app;

CREATE TRIGGER users_guard AFTER UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.users_guard();
CREATE TRIGGER users_oplog AFTER INSERT OR UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.oplog_write('users', '');
CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.row_touch();

create policy users_read on public.users for select to partnerships_app using (public.current_user_id() is not null);

create policy users_update on public.users for update using ((select public.app_is_admin()));

-- Invitations (028): single-use links that set a user's password and sign
-- them in; only the SHA-256 of a link's token is kept.  A new link for a
-- user revokes the ones before it.

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
