// A field added in SQL alone: on a stack of its own, a migration adds two
// columns to partners (one of a new enumerated type, one with a check) and
// declares them (sql/README.md "Declaring a collection").  With no change
// to the program or the frontend, after a restart they are read and
// written through the API, filtered and sorted as declared, refused with
// the constraint's own words, described in the OpenAPI document, and shown
// and saved by the record form in Chromium.  Prints "ok"/"not ok" lines.
//
// Usage: node tests/deploy/new_field.mjs VAR PORT BIN
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const [var_, port, bin] = process.argv.slice(2);
const root = new URL('../..', import.meta.url).pathname;
process.env.API_BASE = `http://127.0.0.1:${port}`;
const stack = (...args) => execFileSync(`${root}deploy/stack.sh`, args, { stdio: ['ignore', 'ignore', 'inherit'] });
const psql = (sql) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', `${var_}/run`, '-U', 'postgres',
  '-d', 'partnerships', '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });

let failures = 0;
function check(what, ok, detail = '') {
  if (!ok) failures++;
  console.log(`${ok ? 'ok' : 'not ok'} ${what}${ok || !detail ? '' : ` (${String(detail).slice(0, 300)})`}`);
}

const migration = `
create type public.partner_region as enum ('emea', 'americas', 'apac');
comment on type public.partner_region is 'Where a partner sells.';
alter table public.partners
  add column region public.partner_region,
  add column headcount integer constraint partners_headcount_check check (headcount between 1 and 1000000);
comment on column public.partners.region is 'Where the partner sells.';
comment on constraint partners_headcount_check on public.partners is 'must be from 1 to 1000000';
grant insert (region, headcount), update (region, headcount) on public.partners to partnerships_app;
insert into public.api_fields (collection, position, name, sortable, filterable)
select 'partners', last + n, name, sortable, filterable
  from (select max(position) as last from public.api_fields where collection = 'partners') m,
       (values (1, 'region', true, true), (2, 'headcount', true, false)) f(n, name, sortable, filterable);
`;

stack('start', var_, port, bin, '--fresh');
try {
  psql(migration);
  // The workers learn the collections when they start.
  stack('stop', var_);
  stack('start', var_, port, bin);
  const { admin } = await import('../api/lib.mjs');
  const api = await admin();
  const base = { company: 'Field Test Co', contactName: 'Ada', contactEmail: 'ada@field.test', type: 'referral' };

  let r = await api.post('/partners', { ...base, region: 'emea', headcount: 40 });
  check('create: the new fields are written and read back', r.status === 201 && r.json.region === 'emea' &&
    r.json.headcount === 40, r.text);
  const id = r.json?.id;
  r = await api.patch(`/partners/${id}`, { region: 'apac' }, { headers: { 'if-match': `"${r.json?.version}"` } });
  check('patch: the new enumerated field changes, with its version', r.status === 200 && r.json.region === 'apac' &&
    r.json.version === 2, r.text);
  r = await api.get(`/partners/${id}/history`);
  check('history: the oplog records the new field', r.status === 200 &&
    JSON.stringify(r.json.items.at(-1).changes).includes('apac'), r.text);
  await api.post('/partners', { ...base, company: 'Field Test Two', region: 'americas', headcount: 900 });
  r = await api.get('/partners?region=apac');
  check('filter: ?region= as declared', r.status === 200 && r.json.total === 1 && r.json.items[0].id === id, r.text);
  r = await api.get('/partners?region=mars');
  check("filter: a value outside the enumeration is 422 naming its labels", r.status === 422 &&
    /emea, americas, apac/.test(r.json?.error?.fields?.region), r.text);
  r = await api.get('/partners?sort=-headcount');
  check('sort: ?sort=-headcount as declared', r.status === 200 && r.json.items[0].headcount === 900, r.text);
  r = await api.get('/partners?headcount=40');
  check('filter: a field not declared filterable is 400', r.status === 400 && 'headcount' in r.json.error.fields, r.text);
  r = await api.post('/partners', { ...base, headcount: 0 });
  check('refused: the check constraint in its own words', r.status === 422 &&
    r.json.error.fields.headcount === 'must be from 1 to 1000000', r.text);
  r = await api.post('/partners', { ...base, region: 'mars' });
  check('refused: an unknown label of the new type', r.status === 422 && /must be one of/.test(r.json.error.fields.region), r.text);
  r = await api.post('/partners', { ...base, headcount: 'many' });
  check('refused: a wrong type is 400', r.status === 400 && 'headcount' in r.json.error.fields, r.text);

  const doc = (await api.get('/openapi.json')).json;
  const partner = doc.components.schemas.Partner.properties;
  const params = doc.paths['/partners'].get.parameters;
  check('OpenAPI: the enumerated field with its labels', JSON.stringify(partner.region?.enum) ===
    JSON.stringify(['emea', 'americas', 'apac', null]), JSON.stringify(partner.region));
  check('OpenAPI: the integer field', partner.headcount?.type === 'integer' && !partner.headcount.readOnly,
    JSON.stringify(partner.headcount));
  check('OpenAPI: the filter and the sort keys', params.some((p) => p.name === 'region') &&
    params.find((p) => p.name === 'sort').schema.items.enum.includes('-headcount'));

  const { launch, newPage, signIn } = await import('../e2e/lib.mjs');
  const browser = await launch();
  try {
    const problems = [];
    const page = await newPage(browser, problems);
    await signIn(page, process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'New partner' }).click();
    const panel = page.locator('dialog.panel');
    await panel.locator('[name="company"]').fill('Field Form Co');
    await panel.locator('[name="contactName"]').fill('Bea');
    await panel.locator('[name="contactEmail"]').fill('bea@field.test');
    await panel.locator('[name="type"]').selectOption('referral');
    const options = await panel.locator('select[name="region"] option').allTextContents();
    check('form: the new enumerated field is a choice of its labels', options.length >= 3, options.join('|'));
    await panel.locator('select[name="region"]').selectOption('americas');
    await panel.locator('[name="headcount"]').fill('120');
    await panel.getByRole('button', { name: 'Create' }).click();
    await panel.waitFor({ state: 'detached' });
    r = await api.get('/partners?q=field%20form');
    check('form: the new fields are saved', r.json.items[0]?.region === 'americas' && r.json.items[0]?.headcount === 120,
      r.text);
    check('form: no script error', problems.length === 0, problems.join('; '));
  } finally {
    await browser.close();
  }
} catch (e) {
  check('the new-field run', false, e.stack);
} finally {
  try { stack('stop', var_); } catch { /* reported above */ }
  rmSync(var_, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
