// Which routes answer without credentials: exactly the health check, the
// OpenAPI document, sign-in and the use of an invitation link.  Every other route and method of the OpenAPI
// document (which covers every entry of router.c's route table, checked
// here) answers 401 without credentials, with an API token that is not one,
// with a session cookie that is not one and with one that has ended.  A route
// made public by mistake, or one that forgets to ask for credentials, fails.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { BASE, Client, admin, newMember, assertError } from './lib.mjs';

const PUBLIC = ['GET /health', 'GET /openapi.json', 'POST /session', 'POST /invites/accept'];
// What each public route answers a client without credentials (sign-in: 422
// for its body {}, which has no email or password; an invitation link that
// is not one: 410).
const PUBLIC_STATUS = { 'GET /health': 200, 'GET /openapi.json': 200, 'POST /session': 422, 'POST /invites/accept': 410 };

let operations;   // [{ name: 'GET /partners/{id}', method, path, body, contentType, op }]

// A record id as the program makes them (21 characters of A-Za-z0-9_-).
const recordId = () => randomBytes(16).toString('base64url').slice(0, 21);

// Bodies that look valid, so that no route's check of its input (which runs
// before a token or cookie is looked up) answers before the credentials
// are judged: a record of each collection, as JSON or as a CSV file of one
// row, and for the other JSON routes their fields ({} for sign-in).
const RECORDS = {
  partners: { company: 'Sweep Co', contactName: 'Pat', contactEmail: 'pat@sweep.example', type: 'referral' },
  campaigns: { partnerId: recordId(), name: 'Sweep webinar', type: 'webinar' },
  referrals: { partnerId: recordId(), direction: 'outbound', leadName: 'Lee' },
  integrations: { partnerId: recordId(), name: 'Sweep sync' },
  'integration-ideas': { partnerId: recordId(), description: 'Sweep idea' },
  'shared-customers': { partnerId: recordId(), customer: 'Sweep customer' },
  checklists: { partnerId: recordId(), title: 'Sweep checklist' },
  views: { name: 'Sweep view', collection: 'partners' },
};
const BODIES = {
  'POST /me/password': { currentPassword: 'not-the-password-1', newPassword: 'member-password-2' },
  'POST /me/tokens': { name: 'sweep' },
  'POST /users': { email: 'sweep@sweep.example', name: 'Sweep', role: 'member', password: 'member-password-1' },
  'PATCH /users/{id}': { name: 'Sweep' },
  'POST /invites/accept': { token: 'not-a-link-token', password: 'member-password-1' },
};
const csv = (record) => `${Object.keys(record).join(',')}\n${Object.values(record).join(',')}\n`;
function bodyOf(name, contentType) {
  if (contentType === undefined) return undefined;
  const [, collection] = /^(?:POST|PATCH) \/([a-z-]+)(?:\/import|\/\{id\})?$/.exec(name) ?? [];
  if (contentType === 'text/csv') {
    assert.ok(RECORDS[collection], `${name}: add a record of ${collection} to RECORDS`);
    return csv(RECORDS[collection]);
  }
  assert.equal(contentType, 'application/json', name);
  return JSON.stringify(BODIES[name] ?? RECORDS[collection] ?? {});
}

before(async () => {
  const r = await fetch(`${BASE}/openapi.json`);
  assert.equal(r.status, 200);
  const doc = await r.json();
  operations = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      // Path parameters that look valid: a template's key, a record's id.
      const path = template.replace(/\{id\}/g, template.startsWith('/templates/') ? 'joint_webinar' : recordId());
      assert.ok(!/[{}]/.test(path), `${template}: a path parameter other than {id}`);
      const types = Object.keys(op.requestBody?.content ?? {});
      const contentType = types.includes('application/json') ? 'application/json' : types[0];
      const name = `${method.toUpperCase()} ${template}`;
      operations.push({ name, method: method.toUpperCase(), path, body: bodyOf(name, contentType), contentType, op });
    }
  }
});

// Sends one operation with the headers given (no credentials of a Client).
const send = ({ method, path, body, contentType }, headers = {}) =>
  new Client().req(method, path, { raw: body, headers: contentType ? { ...headers, 'content-type': contentType } : headers });

const isPublic = ({ name }) => PUBLIC.includes(name);

// The CSRF token the program expects with a session cookie (auth.c): an
// HMAC-SHA256 of a fixed text keyed with the cookie's SHA-256, base64url.
const csrfFor = (cookie) => createHmac('sha256', createHash('sha256').update(cookie).digest())
  .update('partnerships csrf v1').digest('base64url');

// Every non-public operation, sent with these headers, answers 401.
async function allRefused(headersFor, what) {
  const answered = [];
  for (const o of operations.filter((x) => !isPublic(x))) {
    const r = await send(o, headersFor(o));
    if (r.status !== 401) answered.push(`${o.name}: ${r.status} ${r.text.slice(0, 120)}`);
    else assertError(r, 401, 'unauthenticated');
  }
  assert.deepEqual(answered, [], `${what}: every route but the public ones answers 401`);
}

test('the public routes are exactly the health check, the OpenAPI document, sign-in and the use of an invitation link (router.c and the document)', async () => {
  // router.c's table: {HTTP_METHOD, "pattern", check, handler, free, flags, ...}.
  const source = await readFile(new URL('../../fcgi/router.c', import.meta.url), 'utf8');
  const table = source.slice(source.indexOf('routes[] = {'));
  const routes = [...table.matchAll(/\{HTTP_([A-Z]+),\s*"([^"]+)",\s*[^,]+,\s*[^,]+,\s*[^,]+,\s*([A-Z_0-9| ]+),/g)]
    .map(([, method, pattern, flags]) => ({ method, pattern, public: /\bROUTE_PUBLIC\b/.test(flags) }));
  assert.equal(routes.length, (table.match(/\{HTTP_[A-Z]+,/g) ?? []).length, 'every entry of the table was read');
  assert.ok(routes.length >= 28, `the route table has ${routes.length} entries`);
  assert.deepEqual(routes.filter((r) => r.public).map((r) => `${r.method} ${r.pattern}`).sort(), [...PUBLIC].sort(),
    'the routes flagged ROUTE_PUBLIC in router.c');
  // Every entry of the table is in the document (":collection" and ":view"
  // as each collection's or view's name), so the sweeps below reach it.
  for (const route of routes) {
    const re = new RegExp(`^${route.pattern.replace(/\./g, '\\.').replace(/:id/g, '\\{id\\}')
      .replace(/:collection|:view/g, '[a-z][a-z-]*')}$`);
    assert.ok(operations.some((o) => o.method === route.method && re.test(o.name.slice(o.method.length + 1))),
      `${route.method} ${route.pattern} is in the OpenAPI document`);
  }
  // The document says the same: no security requirement on exactly these,
  // and 401 among the answers of every other one.
  assert.deepEqual(operations.filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0)
    .map((o) => o.name).sort(), [...PUBLIC].sort(), 'the operations the document marks public (security: [])');
  for (const o of operations.filter((x) => !isPublic(x))) assert.ok(o.op.responses?.['401'], `${o.name} documents 401`);
});

test('without credentials every route and method answers 401 except the public ones', async () => {
  assert.ok(operations.length > 28, `${operations.length} operations in the document`);
  const answered = {};
  for (const o of operations) {
    const r = await send(o);
    if (r.status === 401) assertError(r, 401, 'unauthenticated');
    else answered[o.name] = r.status;
  }
  assert.deepEqual(answered, PUBLIC_STATUS, 'the routes that answered without credentials, and how');
});

test('an API token that is not one is refused with 401 on every route but the public ones', async () => {
  await allRefused(() => ({ authorization: `Bearer ${randomBytes(32).toString('base64url')}` }), 'an unknown token');
  await allRefused(() => ({ authorization: `Bearer ${'x'.repeat(500)}` }), 'an overlong token');
});

test('a session cookie that is not one, or one that has ended, is refused with 401 on every route but the public ones', async () => {
  // With the CSRF token that belongs to the cookie, so that it is the
  // cookie that is judged (without one, a write answers 403 first).
  const withCookie = (cookie) => (o) => ({
    cookie: `partnerships_session=${cookie}`, ...(o.method === 'GET' ? {} : { 'x-csrf-token': csrfFor(cookie) }),
  });
  const garbage = randomBytes(32).toString('base64url');
  await allRefused(withCookie(garbage), 'a made-up session cookie');
  const c = await newMember(await admin(), 'sweep');
  const { cookie } = c;
  assert.equal(csrfFor(cookie), c.csrf, 'the CSRF token is computed here as the program computes it');
  assert.equal((await c.get('/me')).status, 200, 'the session works before it ends');
  assert.equal((await c.del('/session')).status, 204);
  await allRefused(withCookie(cookie), 'the cookie of a session that has ended');
});

test('with credentials that are not good, a body is never parsed: a malformed or oversized one is still a 401', async () => {
  // A worker parses a body (JSON, or a CSV of up to 1 MiB) only for a known
  // user: without credentials that hold, no one can make it do that work.
  const token = { authorization: `Bearer ${randomBytes(32).toString('base64url')}` };
  const answered = [];
  const withBodies = operations.filter((o) => !isPublic(o) && o.contentType);
  assert.ok(withBodies.length >= 10, `${withBodies.length} operations take a body`);
  for (const o of withBodies) {
    const bad = o.contentType === 'text/csv'
      ? `not,a,header\n${'x,'.repeat(300000)}\n`
      : `{"unclosed": [${'1,'.repeat(300000)}`;
    const r = await send({ ...o, body: bad }, token);
    if (r.status !== 401) answered.push(`${o.name}: ${r.status} ${r.text.slice(0, 120)}`);
  }
  assert.deepEqual(answered, [], 'every such route answers 401 before it looks at the body');
});
