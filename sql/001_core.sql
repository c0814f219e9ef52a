-- 001_core: what every entity stands on.
--
-- The acting user of a transaction, record ids, users and their credentials,
-- the oplog and the generic row triggers (version, oplog).  The application
-- connects as the role partnerships_app, which owns nothing, cannot bypass
-- row-level security and reaches credentials only through the SECURITY
-- DEFINER functions below.  Functions that run as the owner pin
-- search_path = '' and name every object with its schema (PostgreSQL manual,
-- "Writing SECURITY DEFINER Functions Safely").

create extension if not exists pgcrypto with schema public;
create extension if not exists pg_trgm with schema public;

-- The acting user, set per transaction by the program with
-- set_config('partnerships.user_id', id, true).  Null outside a request.
create function public.current_user_id() returns text
language sql stable parallel safe
as $$ select nullif(current_setting('partnerships.user_id', true), '') $$;

comment on function public.current_user_id() is
  'The user acting in this transaction (set by the program per request), or null.';

-- 21 characters of A-Za-z0-9_- (126 random bits), the id of every record.
create function public.nanoid() returns text
language sql volatile parallel safe
as $$
  select string_agg(substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-',
                           (get_byte(r.b, i) & 63) + 1, 1), '' order by i)
  from (select public.gen_random_bytes(21) as b) r, generate_series(0, 20) as i
$$;

-- snake_case column name -> camelCase API name: the one mapping rule between
-- the two, used by the oplog (the C side applies the same rule).
create function public.api_name(column_name text) returns text
language sql immutable parallel safe
as $$
  select lower(left(c, 1)) || substr(c, 2)
  from (select replace(initcap(replace(column_name, '_', ' ')), ' ', '') as c) s
$$;

create type public.user_role as enum ('admin', 'member');

create table public.users (
  id            text primary key default public.nanoid(),
  email         text not null,
  name          text not null,
  role          public.user_role not null default 'member',
  disabled      boolean not null default false,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  version       integer not null default 1,
  constraint users_email_check check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and length(email) <= 254),
  constraint users_name_check check (btrim(name) <> '' and length(name) <= 200)
);
create unique index users_email_key on public.users (lower(email));

comment on table public.users is 'People who sign in. Never deleted: disabled instead, so the oplog keeps its actors.';

create table public.user_credentials (
  user_id       text primary key references public.users (id),
  password_hash text not null
);
comment on table public.user_credentials is
  'Password hashes (argon2id strings from libsodium), apart from users so that the application role can read users whole and never a hash. No row: no password sign-in (single sign-on only).';

-- True when the acting user is an enabled admin.  Policies call it as
-- (select public.app_is_admin()) so that it runs once per statement.
create function public.app_is_admin() returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.users u
                 where u.id = public.current_user_id() and u.role = 'admin' and not u.disabled)
$$;

-- The API's view of a user: never a password hash.
create function public.api_user(u public.users) returns json
language sql stable
as $$
  select json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
                           'disabled', u.disabled, 'createdAt', u.created_at,
                           'updatedAt', u.updated_at, 'version', u.version)
$$;

create table public.sessions (
  token_hash   bytea primary key,
  user_id      text not null references public.users (id),
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at   timestamptz not null,
  address      text,
  user_agent   text
);
create index sessions_user_id_idx on public.sessions (user_id);
comment on table public.sessions is 'Browser sessions. Only the SHA-256 of the cookie value is stored.';

create table public.api_tokens (
  id           text primary key default public.nanoid(),
  user_id      text not null references public.users (id),
  name         text not null check (btrim(name) <> '' and length(name) <= 100),
  token_hash   bytea not null unique,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz
);
create index api_tokens_user_id_idx on public.api_tokens (user_id);
comment on table public.api_tokens is 'Bearer tokens for scripts. Only the SHA-256 of the token is stored; the token is shown once.';

create table public.login_failures (
  key          text primary key,
  window_start timestamptz not null,
  failures     integer not null
);
comment on table public.login_failures is
  'Failed sign-ins per key (''account:<email>'' or ''address:<ip>'') in the current window, for throttling.';

-- The oplog: every insert, update, delete and restore of every entity, one
-- row each, written by the trigger below in the writer's transaction.
create table public.oplog (
  seq           bigint generated always as identity primary key,
  at            timestamptz not null default now(),
  actor_user_id text,
  entity        text not null,
  record_id     text not null,
  partner_id    text,
  op            text not null check (op in ('insert', 'update', 'delete', 'restore')),
  changes       jsonb not null
);
create index oplog_record_idx on public.oplog (entity, record_id, seq);
create index oplog_partner_idx on public.oplog (partner_id, seq);
comment on table public.oplog is 'Append-only history of every change: who, when, which record, which fields (old and new).';
comment on column public.oplog.entity is 'The API collection name (partners, campaigns, ...).';
comment on column public.oplog.partner_id is 'The partner the record belongs to (its own id for partners): who may read the row follows from it.';
comment on column public.oplog.changes is '{"apiFieldName": [old, new]} for each field that changed; secrets and derived figures are left out.';

-- BEFORE UPDATE on every entity: ids and creation time never change; any
-- change to a column not named in TG_ARGV bumps version and updated_at.
-- TG_ARGV names the derived figures kept by other triggers and the stored
-- generated columns (which a BEFORE trigger sees before they are computed).
create function public.row_touch() returns trigger
language plpgsql
as $$
declare
  ignored text[] := array['updated_at', 'version'] || coalesce(TG_ARGV::text[], '{}');
begin
  new.id := old.id;
  new.created_at := old.created_at;
  new.version := old.version;
  new.updated_at := old.updated_at;
  if (to_jsonb(new) - ignored) is distinct from (to_jsonb(old) - ignored) then
    new.version := old.version + 1;
    new.updated_at := now();
  end if;
  return new;
end
$$;

-- AFTER INSERT OR UPDATE on every entity: one oplog row with the changed
-- fields.  TG_ARGV[0] is the API collection name, TG_ARGV[1] the column that
-- holds the record's partner (or '' for none), the rest are columns never
-- logged (secrets, derived figures).  A soft delete is the update that sets
-- deleted_at, a restore the one that clears it.
create function public.oplog_write() returns trigger
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
  values (public.current_user_id(), TG_ARGV[0], new.id,
          case when TG_ARGV[1] <> '' then new_row ->> TG_ARGV[1] end,
          operation, changed);
  return null;
end
$$;

create trigger users_touch before update on public.users
  for each row execute function public.row_touch();
create trigger users_oplog after insert or update on public.users
  for each row execute function public.oplog_write('users', '');

-- Disabling a user ends their sessions and API tokens at once; there is
-- always at least one enabled admin left.  SQLSTATEs of class PT carry an
-- HTTP status in their last three digits and a message written for users.
create function public.users_guard() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.disabled and not old.disabled then
    delete from public.sessions where user_id = new.id;
    delete from public.api_tokens where user_id = new.id;
  end if;
  if (old.role = 'admin' and not old.disabled) and (new.role <> 'admin' or new.disabled)
     and not exists (select 1 from public.users u
                     where u.role = 'admin' and not u.disabled and u.id <> new.id) then
    raise exception 'the last admin cannot be demoted or disabled'
      using errcode = 'PT409', column = 'role';
  end if;
  return null;
end
$$;
create trigger users_guard after update on public.users
  for each row execute function public.users_guard();

-- Row-level security on users: everyone signed in may read the directory
-- (owner pickers, history actors); only admins change it.  Not forced: the
-- owner's SECURITY DEFINER functions below create users and credentials.
alter table public.users enable row level security;
create policy users_read on public.users for select using (public.current_user_id() is not null);
create policy users_update on public.users for update using ((select public.app_is_admin()));

alter table public.oplog enable row level security;
create policy oplog_admin on public.oplog for select using ((select public.app_is_admin()));

-- Credentials ----------------------------------------------------------------

-- The password hash of an enabled user, for the program to verify; nothing
-- (no row) for an unknown or disabled user.
create function public.auth_login_lookup(p_email text)
returns table (user_id text, password_hash text)
language sql stable security definer set search_path = ''
as $$
  select u.id, c.password_hash from public.users u join public.user_credentials c on c.user_id = u.id
  where lower(u.email) = lower(btrim(p_email)) and not u.disabled
$$;

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

create function public.auth_login_succeeded(p_email text)
returns void
language sql volatile security definer set search_path = ''
as $$ delete from public.login_failures where key = 'account:' || lower(btrim(p_email)) $$;

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

create function public.auth_session_delete(p_token_hash bytea)
returns void
language sql volatile security definer set search_path = ''
as $$ delete from public.sessions where token_hash = p_token_hash $$;

-- The user behind a session cookie or an API token (by the SHA-256 of its
-- value), made the acting user of this transaction.  No row: not signed in.
-- last_seen_at / last_used_at are written at most once a minute, so that
-- reads stay reads.
create function public.auth_begin(p_token_hash bytea)
returns table (id text, role public.user_role, user_json json)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  found_user text;
begin
  update public.sessions s set last_seen_at = now()
   where s.token_hash = p_token_hash and s.expires_at > now() and s.last_seen_at < now() - interval '1 minute';
  select s.user_id into found_user from public.sessions s
   where s.token_hash = p_token_hash and s.expires_at > now();
  if found_user is null then
    update public.api_tokens t set last_used_at = now()
     where t.token_hash = p_token_hash and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute');
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

-- Set the acting user's own password hash; ends their other sessions.
create function public.auth_password_set(p_hash text, p_keep_session bytea)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into public.user_credentials (user_id, password_hash) values (public.current_user_id(), p_hash)
  on conflict (user_id) do update set password_hash = excluded.password_hash;
  delete from public.sessions where user_id = public.current_user_id() and token_hash is distinct from p_keep_session;
$$;

create function public.auth_token_create(p_name text, p_token_hash bytea)
returns json
language sql volatile security definer set search_path = ''
as $$
  insert into public.api_tokens (user_id, name, token_hash)
  values (public.current_user_id(), btrim(p_name), p_token_hash)
  returning json_build_object('id', id, 'name', name, 'createdAt', created_at, 'lastUsedAt', last_used_at)
$$;

create function public.auth_token_list()
returns json
language sql stable security definer set search_path = ''
as $$
  select json_build_object('items', coalesce(json_agg(json_build_object(
           'id', t.id, 'name', t.name, 'createdAt', t.created_at, 'lastUsedAt', t.last_used_at)
           order by t.created_at), '[]'::json))
  from public.api_tokens t where t.user_id = public.current_user_id()
$$;

create function public.auth_token_delete(p_id text)
returns boolean
language sql volatile security definer set search_path = ''
as $$
  with gone as (delete from public.api_tokens where id = p_id and user_id = public.current_user_id() returning 1)
  select exists (select 1 from gone)
$$;

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

-- Privileges of the application role --------------------------------------

revoke all on all tables in schema public from public;
revoke all on schema public from public;
grant usage on schema public to partnerships_app;
grant select on public.users to partnerships_app;
grant update (name, role, disabled) on public.users to partnerships_app;
grant select on public.oplog to partnerships_app;
revoke execute on all functions in schema public from public;
grant execute on function
  public.current_user_id(), public.nanoid(), public.api_name(text), public.app_is_admin(),
  public.auth_login_lookup(text), public.auth_login_allowed(text, text, integer, integer, interval),
  public.auth_login_failed(text, text, interval), public.auth_login_succeeded(text),
  public.auth_session_create(text, bytea, interval, text, text), public.auth_session_delete(bytea),
  public.auth_begin(bytea), public.auth_password_set(text, bytea),
  public.auth_token_create(text, bytea), public.auth_token_list(), public.auth_token_delete(text),
  public.api_user(public.users), public.user_create(text, text, public.user_role, text)
  to partnerships_app;
-- pgcrypto's gen_random_bytes runs inside nanoid() as the caller.
grant execute on function public.gen_random_bytes(integer) to partnerships_app;

comment on constraint users_email_check on public.users is 'must be an email address';
comment on constraint users_name_check on public.users is 'must be 1 to 200 characters';
comment on index public.users_email_key is 'a user with this email exists already';
