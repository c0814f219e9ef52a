-- 004_csv: CSV export and import helpers.

-- A cell quoted when it must be (RFC 4180 section 2): commas, quotes, line
-- ends, or spaces at either end that a reader could trim.
create function public.csv_quote(cell text) returns text
language sql immutable parallel safe
as $$
  select case when cell ~ '[",\r\n]' or cell <> btrim(cell) then '"' || replace(cell, '"', '""') || '"' else cell end
$$;

-- One CSV cell (RFC 4180) of a JSON value as the API shows it: null is an
-- empty cell, numbers and booleans their JSON text, lists and objects their
-- JSON.  A text that a spreadsheet would run as a formula (leading = + - @,
-- tab or carriage return), or that starts with an apostrophe before one of
-- those, gets a leading apostrophe (OWASP "CSV Injection"); the import
-- removes exactly one, so that an export imports back unchanged.
create function public.csv_cell(value json) returns text
language sql immutable parallel safe
as $$
  select case
    when value is null or json_typeof(value) = 'null' then ''
    when json_typeof(value) = 'string' then public.csv_quote(
      case when (value #>> '{}') ~ '^''*[=+@\t\r-]' then '''' || (value #>> '{}') else value #>> '{}' end)
    when json_typeof(value) in ('number', 'boolean') then value::text
    else public.csv_quote(value::text)
  end
$$;

-- A partner named in an import by id or by company name (case-insensitive),
-- among the live partners this user can see.  Unknown: the value itself
-- (the attached-table guard then refuses it); several matches: 422.
create function public.partner_ref(reference text) returns text
language plpgsql stable
as $$
declare
  found_ids text[];
begin
  if reference is null then
    return null;
  end if;
  if exists (select 1 from public.partners p where p.id = reference and p.deleted_at is null) then
    return reference;
  end if;
  select array_agg(p.id) into found_ids
    from public.partners p where lower(p.company) = lower(btrim(reference)) and p.deleted_at is null;
  if coalesce(array_length(found_ids, 1), 0) > 1 then
    raise exception 'names several partners: use the id' using errcode = 'PT422', column = 'partner_id';
  end if;
  return coalesce(found_ids[1], reference);
end
$$;

grant execute on function public.csv_cell(json), public.csv_quote(text), public.partner_ref(text) to partnerships_app;
