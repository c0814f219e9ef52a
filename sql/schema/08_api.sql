-- 08: the API's collections, declared (fcgi/declaration.c reads them).

-- The API's collections, declared as data: what the engine (fcgi/entity.c)
-- serves under /api/v1/<name>.  What the catalogue already knows about a
-- field is not repeated here: its column's type, enumeration, nullability,
-- default, foreign key, constraints, and whether the program may write it
-- (the column privileges granted to partnerships_app) are read from
-- PostgreSQL when a worker connects.  This declares only what the
-- catalogue cannot tell: which columns are fields and in what order, the
-- values derived from a row, and what a list may sort and filter on.
-- sql/README.md "Declaring a collection" has the steps for a new field.

create table public.api_collections (
    name text primary key,
    position smallint not null unique,
    relation text not null unique,
    default_sort text not null,
    board_sum text,
    kept_totals text,
    kept_count text,
    kept_sum text,
    kept_json text,
    owner_scoped boolean default true not null,
    constraint api_collections_name_check check (name ~ '^[a-z][a-z-]{0,62}$'),
    constraint api_collections_relation_check check (relation ~ '^[a-z][a-z0-9_]{0,62}$'),
    constraint api_collections_kept_totals_check check (kept_totals ~ '^[a-z][a-z0-9_]{0,62}$'),
    constraint api_collections_kept_columns_check check ((kept_totals is null) = (kept_count is null) and (kept_totals is null) = (kept_sum is null)
                                                         and kept_count ~ '^[a-z][a-z0-9_]{0,62}$' and kept_sum ~ '^[a-z][a-z0-9_]{0,62}$'),
    constraint api_collections_board_sum_check check (board_sum ~ '^[a-z][a-z0-9_]{0,62}$'),
    constraint api_collections_kept_json_check check (kept_json ~ '^[a-z][a-z0-9_]{0,62}$')
);
comment on table public.api_collections is 'The API''s collections and list-only views (a view relation), in the order the OpenAPI document lists them.';
comment on column public.api_collections.name is 'The URL segment, and the entity name in the oplog.';
comment on column public.api_collections.relation is 'The table (or, for a list-only view, the view) of public a record is a row of, by name (a view made again keeps its place here); its search_text column, if any, is what q= searches.';
comment on column public.api_collections.default_sort is 'The sort of a list that names none: comma list of fields, - for descending.';
comment on column public.api_collections.board_sum is 'The column summed per board column (GET /boards/<name>); null: no board.  The board groups by the ranked field.';
comment on column public.api_collections.kept_totals is 'A table of live rows counted per owner_user_id and the ranked field''s <column>_rank (kept_count, and the sum of board_sum: kept_sum): the totals of lists and boards that only the ranked field narrows; null: counted.';
comment on column public.api_collections.kept_count is 'kept_totals'' column of the rows counted.';
comment on column public.api_collections.kept_sum is 'kept_totals'' column of their board_sum summed.  An import stores its rows with the totals left to <kept_totals>_settle(ids), which counts them once.';
comment on column public.api_collections.owner_scoped is 'A member''s lists name them as the owner (owner_user_id): the row policies show members only their own rows, and the owner''s index serves the list.  false: members see others'' rows too (shared views).';
comment on column public.api_collections.kept_json is 'A column holding, kept by a trigger, the JSON members of the fields marked kept; the others are added when the row is read.';

create table public.api_fields (
    collection text not null references public.api_collections on delete cascade,
    position smallint not null,
    name text not null,
    value text,
    kind text,
    sortable boolean not null default false,
    filterable boolean not null default false,
    kept boolean not null default false,
    lookup regproc,
    primary key (collection, name),
    unique (collection, position),
    constraint api_fields_name_check check (name ~ '^[a-z][A-Za-z0-9]{0,62}$'),
    constraint api_fields_kind_check check (kind in ('text', 'ref', 'strings', 'objects', 'object'))
);
comment on table public.api_fields is 'The fields of each collection in the order of its JSON, CSV and OpenAPI schema.';
comment on column public.api_fields.name is 'The API name; the column is its snake_case (unless value is given).';
comment on column public.api_fields.value is 'A derived field: its SQL over the row t (read-only; the type is PostgreSQL''s).  Null: the column.';
comment on column public.api_fields.kind is 'What the column''s type does not tell: ref (an id, on a view''s column), text (a foreign key that is a name, not a record''s id), or the JSON shape of a jsonb column (strings, objects, object).';
comment on column public.api_fields.sortable is 'A list may sort by it (?sort=name, -name).';
comment on column public.api_fields.filterable is 'A list may filter on it (?name=a,b).  A ranked enum (a column <column>_rank beside it) filters on the rank.';
comment on column public.api_fields.kept is 'Its JSON member is in the collection''s kept_json column.';
comment on column public.api_fields.lookup is 'A function that turns what an import names (e.g. a partner''s company) into the id the column holds.';

create table public.api_params (
    collection text not null references public.api_collections on delete cascade,
    position smallint not null,
    name text not null,
    type text not null,
    value text,
    condition text not null,
    description text not null,
    primary key (collection, name),
    unique (collection, position),
    constraint api_params_name_check check (name ~ '^[a-z][A-Za-z0-9]{0,62}$'),
    constraint api_params_type_check check (type in ('text', 'date', 'boolean'))
);
comment on table public.api_params is 'List parameters beyond the field filters.';
comment on column public.api_params.value is 'The one value accepted (e.g. owner=me), whose condition then takes none; null: any value of the type.';
comment on column public.api_params.condition is 'SQL over the row t; with a value of its own, %s stands for it (a parameter, never text).';

grant select on public.api_collections, public.api_fields, public.api_params to partnerships_app;

insert into public.api_collections (name, position, relation, default_sort, board_sum, kept_totals, kept_count, kept_sum, kept_json) values
  ('partners', 1, 'partners', 'company', 'revenue_attributed', 'partner_totals', 'partners', 'revenue', 'api_members'),
  ('campaigns', 2, 'campaigns', '-startDate,name', 'revenue', null, null, null, null),
  ('referrals', 3, 'referrals', '-referredDate', null, null, null, null, null),
  ('integrations', 4, 'integrations', 'name', null, null, null, null, null),
  ('integration-ideas', 5, 'integration_ideas', '-customerRequestCount', null, null, null, null, null),
  ('shared-customers', 6, 'shared_customers', 'customer', null, null, null, null, null),
  ('checklists', 7, 'checklists', 'createdAt', null, null, null, null, null),
  ('performance', 8, 'partner_performance', '-revenue', null, 'partner_totals', 'partners', 'revenue', null);

insert into public.api_fields (collection, position, name, value, kind, sortable, filterable, kept, lookup) values
  ('partners', 1, 'id', null, null, true, false, true, null),
  ('partners', 2, 'company', null, null, true, false, true, null),
  ('partners', 3, 'contactName', null, null, true, false, true, null),
  ('partners', 4, 'contactEmail', null, null, true, false, true, null),
  ('partners', 5, 'contactPhone', null, null, false, false, true, null),
  ('partners', 6, 'type', null, null, true, true, true, null),
  ('partners', 7, 'status', null, null, true, true, true, null),
  ('partners', 8, 'tier', null, null, true, true, true, null),
  ('partners', 9, 'ownerUserId', null, null, true, true, true, null),
  ('partners', 10, 'agreementUrl', null, null, false, false, true, null),
  ('partners', 11, 'commissionRate', null, null, false, false, true, null),
  ('partners', 12, 'integrationStatus', null, null, true, true, true, null),
  ('partners', 13, 'lastSync', null, null, true, false, true, null),
  ('partners', 14, 'nextReview', null, null, true, true, true, null),
  ('partners', 15, 'notes', null, null, false, false, true, null),
  ('partners', 16, 'audienceOverlap', null, null, true, true, true, null),
  ('partners', 17, 'strategicValue', null, null, true, true, true, null),
  ('partners', 18, 'executionEffort', null, null, true, true, true, null),
  ('partners', 19, 'score', null, null, true, false, true, null),
  ('partners', 20, 'engagement', 'public.engagement(t.score)', null, false, false, true, null),
  ('partners', 21, 'referralsMade', null, null, true, false, true, null),
  ('partners', 22, 'referralsReceived', null, null, true, false, true, null),
  ('partners', 23, 'referralBalance', 't.referrals_made - t.referrals_received', null, false, false, true, null),
  ('partners', 24, 'oneSided', 't.referrals_received >= 3 and t.referrals_made = 0', null, false, false, true, null),
  ('partners', 25, 'conversions', null, null, true, false, true, null),
  ('partners', 26, 'commissionPaid', null, null, true, false, true, null),
  ('partners', 27, 'sharedCustomers', null, null, true, false, true, null),
  ('partners', 28, 'revenueAttributed', null, null, true, false, true, null),
  ('partners', 29, 'reviewDue', 'coalesce(t.next_review <= current_date, false)', null, false, false, false, null),
  ('partners', 30, 'createdAt', null, null, true, false, true, null),
  ('partners', 31, 'updatedAt', null, null, true, false, true, null),
  ('partners', 32, 'version', null, null, false, false, true, null),
  ('partners', 33, 'deletedAt', null, null, true, false, true, null),

  ('campaigns', 1, 'id', null, null, true, false, false, null),
  ('campaigns', 2, 'partnerId', null, null, true, true, false, 'public.partner_ref'),
  ('campaigns', 3, 'partner', '(select p.company from public.partners p where p.id = t.partner_id)', null, false, false, false, null),
  ('campaigns', 4, 'name', null, null, true, false, false, null),
  ('campaigns', 5, 'type', null, null, true, true, false, null),
  ('campaigns', 6, 'channel', null, null, true, true, false, null),
  ('campaigns', 7, 'status', null, null, true, true, false, null),
  ('campaigns', 8, 'startDate', null, null, true, true, false, null),
  ('campaigns', 9, 'endDate', null, null, true, true, false, null),
  ('campaigns', 10, 'budget', null, null, true, false, false, null),
  ('campaigns', 11, 'budgetSplit', null, null, false, false, false, null),
  ('campaigns', 12, 'leads', null, null, true, false, false, null),
  ('campaigns', 13, 'conversions', null, null, true, false, false, null),
  ('campaigns', 14, 'revenue', null, null, true, false, false, null),
  ('campaigns', 15, 'roi', null, null, true, false, false, null),
  ('campaigns', 16, 'deliverables', null, 'strings', false, false, false, null),
  ('campaigns', 17, 'notes', null, null, false, false, false, null),
  ('campaigns', 18, 'createdAt', null, null, true, false, false, null),
  ('campaigns', 19, 'updatedAt', null, null, true, false, false, null),
  ('campaigns', 20, 'version', null, null, false, false, false, null),
  ('campaigns', 21, 'deletedAt', null, null, true, false, false, null),

  ('referrals', 1, 'id', null, null, true, false, false, null),
  ('referrals', 2, 'partnerId', null, null, true, true, false, 'public.partner_ref'),
  ('referrals', 3, 'partner', '(select p.company from public.partners p where p.id = t.partner_id)', null, false, false, false, null),
  ('referrals', 4, 'direction', null, null, true, true, false, null),
  ('referrals', 5, 'leadName', null, null, true, false, false, null),
  ('referrals', 6, 'leadCompany', null, null, true, false, false, null),
  ('referrals', 7, 'leadEmail', null, null, false, false, false, null),
  ('referrals', 8, 'status', null, null, true, true, false, null),
  ('referrals', 9, 'dealValue', null, null, true, false, false, null),
  ('referrals', 10, 'commissionAmount', null, null, true, false, false, null),
  ('referrals', 11, 'commissionPaid', null, null, true, true, false, null),
  ('referrals', 12, 'referredDate', null, null, true, true, false, null),
  ('referrals', 13, 'convertedDate', null, null, true, true, false, null),
  ('referrals', 14, 'leadOptIn', null, null, false, true, false, null),
  ('referrals', 15, 'partnerOptIn', null, null, false, true, false, null),
  ('referrals', 16, 'partnerAnsweredAt', null, null, true, false, false, null),
  ('referrals', 17, 'partnerMessage', null, null, false, false, false, null),
  ('referrals', 18, 'duplicateLead', null, null, false, true, false, null),
  ('referrals', 19, 'reciprocated', 'case when t.direction = ''outbound'' then exists (select 1 from public.referrals i where i.partner_id = t.partner_id and i.direction = ''inbound'' and i.deleted_at is null and i.referred_date >= t.referred_date) end', null, false, false, false, null),
  ('referrals', 20, 'notes', null, null, false, false, false, null),
  ('referrals', 21, 'createdAt', null, null, true, false, false, null),
  ('referrals', 22, 'updatedAt', null, null, true, false, false, null),
  ('referrals', 23, 'version', null, null, false, false, false, null),
  ('referrals', 24, 'deletedAt', null, null, true, false, false, null),

  ('integrations', 1, 'id', null, null, true, false, false, null),
  ('integrations', 2, 'partnerId', null, null, true, true, false, 'public.partner_ref'),
  ('integrations', 3, 'partner', '(select p.company from public.partners p where p.id = t.partner_id)', null, false, false, false, null),
  ('integrations', 4, 'name', null, null, true, false, false, null),
  ('integrations', 5, 'type', null, null, true, true, false, null),
  ('integrations', 6, 'status', null, null, true, true, false, null),
  ('integrations', 7, 'apiVersion', null, null, true, false, false, null),
  ('integrations', 8, 'sharedCustomers', null, null, true, false, false, null),
  ('integrations', 9, 'health', null, null, true, true, false, null),
  ('integrations', 10, 'errorRate', null, null, true, false, false, null),
  ('integrations', 11, 'lastSync', null, null, true, false, false, null),
  ('integrations', 12, 'notes', null, null, false, false, false, null),
  ('integrations', 13, 'createdAt', null, null, true, false, false, null),
  ('integrations', 14, 'updatedAt', null, null, true, false, false, null),
  ('integrations', 15, 'version', null, null, false, false, false, null),
  ('integrations', 16, 'deletedAt', null, null, true, false, false, null),

  ('integration-ideas', 1, 'id', null, null, true, false, false, null),
  ('integration-ideas', 2, 'partnerId', null, null, true, true, false, 'public.partner_ref'),
  ('integration-ideas', 3, 'partner', '(select p.company from public.partners p where p.id = t.partner_id)', null, false, false, false, null),
  ('integration-ideas', 4, 'ownerUserId', null, null, true, true, false, null),
  ('integration-ideas', 5, 'description', null, null, true, false, false, null),
  ('integration-ideas', 6, 'customerRequestCount', null, null, true, false, false, null),
  ('integration-ideas', 7, 'effort', null, null, true, true, false, null),
  ('integration-ideas', 8, 'priority', null, null, true, true, false, null),
  ('integration-ideas', 9, 'notes', null, null, false, false, false, null),
  ('integration-ideas', 10, 'createdAt', null, null, true, false, false, null),
  ('integration-ideas', 11, 'updatedAt', null, null, true, false, false, null),
  ('integration-ideas', 12, 'version', null, null, false, false, false, null),
  ('integration-ideas', 13, 'deletedAt', null, null, true, false, false, null),

  ('shared-customers', 1, 'id', null, null, true, false, false, null),
  ('shared-customers', 2, 'partnerId', null, null, true, true, false, 'public.partner_ref'),
  ('shared-customers', 3, 'partner', '(select p.company from public.partners p where p.id = t.partner_id)', null, false, false, false, null),
  ('shared-customers', 4, 'customer', null, null, true, false, false, null),
  ('shared-customers', 5, 'yourProduct', null, null, true, true, false, null),
  ('shared-customers', 6, 'partnerProduct', null, null, true, true, false, null),
  ('shared-customers', 7, 'jointRevenue', null, null, true, false, false, null),
  ('shared-customers', 8, 'health', null, null, true, true, false, null),
  ('shared-customers', 9, 'notes', null, null, false, false, false, null),
  ('shared-customers', 10, 'createdAt', null, null, true, false, false, null),
  ('shared-customers', 11, 'updatedAt', null, null, true, false, false, null),
  ('shared-customers', 12, 'version', null, null, false, false, false, null),
  ('shared-customers', 13, 'deletedAt', null, null, true, false, false, null),

  ('checklists', 1, 'id', null, null, true, false, false, null),
  ('checklists', 2, 'partnerId', null, null, true, true, false, 'public.partner_ref'),
  ('checklists', 3, 'partner', '(select p.company from public.partners p where p.id = t.partner_id)', null, false, false, false, null),
  ('checklists', 4, 'templateKey', null, null, true, true, false, null),
  ('checklists', 5, 'title', null, null, true, false, false, null),
  ('checklists', 6, 'campaignId', null, null, false, true, false, null),
  ('checklists', 7, 'integrationId', null, null, false, true, false, null),
  ('checklists', 8, 'items', null, 'objects', false, false, false, null),
  ('checklists', 9, 'fields', null, 'object', false, false, false, null),
  ('checklists', 10, 'done', '(select count(*) from jsonb_array_elements(t.items) e where (e ->> ''done'')::boolean)', null, false, false, false, null),
  ('checklists', 11, 'total', 'jsonb_array_length(t.items)', null, false, false, false, null),
  ('checklists', 12, 'notes', null, null, false, false, false, null),
  ('checklists', 13, 'createdAt', null, null, true, false, false, null),
  ('checklists', 14, 'updatedAt', null, null, true, false, false, null),
  ('checklists', 15, 'version', null, null, false, false, false, null),
  ('checklists', 16, 'deletedAt', null, null, true, false, false, null),

  ('performance', 1, 'partnerId', null, 'ref', true, true, false, null),
  ('performance', 2, 'company', null, null, true, false, false, null),
  ('performance', 3, 'type', null, null, true, true, false, null),
  ('performance', 4, 'status', null, null, true, true, false, null),
  ('performance', 5, 'ownerUserId', null, 'ref', true, true, false, null),
  ('performance', 6, 'referrals', null, null, true, false, false, null),
  ('performance', 7, 'revenue', null, null, true, false, false, null),
  ('performance', 8, 'campaigns', null, null, true, false, false, null),
  ('performance', 9, 'sharedCustomers', null, null, true, false, false, null),
  ('performance', 10, 'roi', null, null, true, false, false, null),
  ('performance', 11, 'score', null, null, true, false, false, null),
  ('performance', 12, 'engagement', null, null, true, true, false, null);

insert into public.api_params (collection, position, name, type, value, condition, description) values
  ('partners', 1, 'owner', 'text', 'me', 't.owner_user_id = public.current_user_id()',
   'me: only the partners the acting user owns'),
  ('partners', 2, 'nextReviewBefore', 'date', null, 't.next_review < %s::date',
   'partners whose next review is before this date'),
  ('partners', 3, 'reviewDue', 'boolean', null, 'coalesce(t.next_review <= current_date, false) = %s::boolean',
   'true: partners whose review is due (next review today or earlier)'),
  ('performance', 1, 'owner', 'text', 'me', 't.owner_user_id = public.current_user_id()',
   'me: only the partners the acting user owns');

-- What the engine serves, as one JSON document: each collection with its
-- fields as declared above, completed from the catalogue.  A field's type
-- is its column's (or, derived, its value's): text, enum (with the type's
-- name), int, money (numeric with two decimals), number, bool, date,
-- timestamp, ref (a column with a foreign key, or declared), or a jsonb
-- column's declared shape.  writable: the calling role may insert it.
-- ranked: the relation keeps <column>_rank beside it.  Read by each worker
-- when it connects (fcgi/entity.c entity_load); run it in psql to see what
-- the API serves.
create function public.api_catalogue() returns json
language plpgsql stable
set search_path = ''
as $$
declare
  c record;
  f record;
  types json;
  derived text;
  fields json[];
  out json[] := '{}';
begin
  for c in
    select k.name, k.default_sort, k.board_sum, k.kept_json, k.owner_scoped, k.kept_count, k.kept_sum, r.oid::regclass as relation, r.relname,
           r.relkind = 'v' as is_view, to_regclass('public.' || quote_ident(k.kept_totals)) as kept_totals,
           exists (select 1 from pg_catalog.pg_attribute a
                    where a.attrelid = r.oid and a.attname = 'search_text' and not a.attisdropped) as searchable
      from public.api_collections k
      left join pg_catalog.pg_class r on r.oid = to_regclass(format('public.%I', k.relation))
     order by k.position
  loop
    if c.relation is null then
      raise exception 'api_collections: % names no table or view of public', c.name;
    end if;
    -- The types of the derived values, in one statement per collection: a
    -- row of nulls (no row of the relation is read).
    select string_agg(format('%L, (select format_type(y.oid, null) || case when y.typtype = ''e'' then '':enum'' else '''' end'
                             ' from pg_catalog.pg_type y where y.oid = pg_typeof(%s))', d.name, d.value), ', ')
      into derived
      from public.api_fields d where d.collection = c.name and d.value is not null;
    types := '{}';
    if derived is not null then
      execute format('select json_build_object(%s) from (select) one left join %s t on false', derived, c.relation)
        into types;
    end if;
    fields := '{}';
    for f in
      select d.*, a.attname, a.attnum, y.typname, y.typtype, a.atttypmod,
             exists (select 1 from pg_catalog.pg_constraint k
                      where k.conrelid = c.relation and k.contype = 'f' and k.conkey = array[a.attnum]) as has_fk,
             a.attnum is not null and pg_catalog.has_column_privilege(c.relation, a.attname, 'INSERT') as writable,
             exists (select 1 from pg_catalog.pg_attribute r
                      where r.attrelid = c.relation and r.attname = a.attname || '_rank' and not r.attisdropped) as ranked
        from public.api_fields d
        left join pg_catalog.pg_attribute a
          on d.value is null and a.attrelid = c.relation and a.attname = lower(regexp_replace(d.name, '([A-Z])', '_\1', 'g')) and not a.attisdropped
        left join pg_catalog.pg_type y on y.oid = a.atttypid
       where d.collection = c.name
       order by d.position
    loop
      if f.value is null and f.attnum is null then
        raise exception 'api_fields: % of % is no column of %', f.name, c.name, c.relation;
      end if;
      fields := fields || json_build_object(
        'name', f.name,
        'column', f.attname,
        'value', coalesce(f.value, 't.' || quote_ident(f.attname)),
        'type', case
          when f.value is not null then types ->> f.name
          when f.kind is not null then f.kind
          when f.has_fk then 'ref'
          when f.typtype = 'e' then f.typname || ':enum'
          when f.typname in ('int2', 'int4', 'int8') then 'int'
          when f.typname = 'numeric' and f.atttypmod >= 4 and ((f.atttypmod - 4) & 65535) = 2 then 'money'
          when f.typname = 'numeric' then 'number'
          when f.typname = 'bool' then 'bool'
          when f.typname = 'date' then 'date'
          when f.typname = 'timestamptz' then 'timestamp'
          else 'text' end,
        'writable', coalesce(f.writable, false),
        'sortable', f.sortable, 'filterable', f.filterable,
        'ranked', coalesce(f.ranked, false), 'kept', f.kept, 'lookup', f.lookup::text);
    end loop;
    out := out || json_build_object(
      'name', c.name, 'table', c.relname, 'view', c.is_view, 'searchable', c.searchable,
      'defaultSort', c.default_sort, 'boardSum', c.board_sum, 'keptTotals', (select r.relname from pg_catalog.pg_class r where r.oid = c.kept_totals),
      'keptCount', c.kept_count, 'keptSum', c.kept_sum,
      'keptJson', c.kept_json, 'ownerScoped', c.owner_scoped, 'fields', array_to_json(fields),
      'params', (select coalesce(json_agg(json_build_object('name', p.name, 'type', p.type, 'value', p.value,
                                          'condition', p.condition, 'description', p.description) order by p.position), '[]')
                   from public.api_params p where p.collection = c.name));
  end loop;
  return array_to_json(out);
end
$$;
grant execute on function public.api_catalogue() to partnerships_app;

-- Every field a write would be refused for, not only the first: PostgreSQL
-- stops at the first check that fails, so after a refusal (or beside the
-- program's own checks) the program asks for all of them.  candidate is
-- the body in API names (the fields the program accepted); for a patch
-- (id given) it is laid over the stored record.  Each check constraint of
-- the collection's table is tried on that row, and each required column
-- without a default; the answer is {"apiField": "what is wrong"}, in the
-- constraints' own words (their comments), named as the error of the
-- write itself names them (the constraint's name: <table>_<column>_<kind>).
-- Runs for the acting user (row policies apply to the stored record).
create function public.api_row_problems(p_user text, p_collection text, p_id text, p_candidate jsonb) returns json
language plpgsql
set search_path = ''
as $$
declare
  rel regclass;
  rel_name text;
  candidate jsonb;
  c record;
  ok boolean;
  column_name text;
  out jsonb := '{}';
begin
  perform pg_catalog.set_config('partnerships.user_id', p_user, true);
  select r.oid::regclass, r.relname into rel, rel_name
    from public.api_collections k join pg_catalog.pg_class r on r.oid = to_regclass('public.' || quote_ident(k.relation))
   where k.name = p_collection;
  if rel is null then
    return '{}';
  end if;
  select coalesce(jsonb_object_agg(lower(regexp_replace(e.key, '([A-Z])', '_\1', 'g')), e.value), '{}')
    into candidate from jsonb_each(p_candidate) e;
  if p_id is not null then
    execute format('select to_jsonb(t) || $2 from %s t where t.id = $1', rel) into candidate using p_id, candidate;
    if candidate is null then
      return '{}';
    end if;
  end if;
  for c in
    select con.conname, pg_catalog.pg_get_expr(con.conbin, con.conrelid) as expr,
           pg_catalog.obj_description(con.oid, 'pg_constraint') as said
      from pg_catalog.pg_constraint con
     where con.conrelid = rel and con.contype = 'c'
     order by con.conname
  loop
    begin
      execute format('select (%s) is not false from jsonb_populate_record(null::%s, $1) t', c.expr, rel)
        into ok using candidate;
    exception when others then
      ok := true;   -- a value the check cannot even read: the program's own checks name it
    end;
    column_name := case when c.conname like rel_name || '\_%'
                        then regexp_replace(substr(c.conname, length(rel_name) + 2), '_[^_]*$', '') end;
    if not ok and column_name is not null and not out ? public.api_name(column_name) then
      out := out || jsonb_build_object(public.api_name(column_name), coalesce(c.said, 'is not valid'));
    end if;
  end loop;
  for c in
    select a.attname from pg_catalog.pg_attribute a
     where a.attrelid = rel and a.attnum > 0 and not a.attisdropped and a.attnotnull
       and not a.atthasdef and a.attgenerated = ''
       and pg_catalog.has_column_privilege(rel, a.attname, 'INSERT')   -- a field the writer gives (not one a trigger keeps)
  loop
    if coalesce(candidate -> c.attname, 'null') = 'null' and not out ? public.api_name(c.attname) then
      out := out || jsonb_build_object(public.api_name(c.attname), 'is required');
    end if;
  end loop;
  return out;
end
$$;
grant execute on function public.api_row_problems(p_user text, p_collection text, p_id text, p_candidate jsonb) to partnerships_app;
