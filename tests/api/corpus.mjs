// A corpus of requests and their answers, to prove that a refactoring
// changes nothing a client sees (tests/README.md "Answer corpus").
//
//   node tests/api/corpus.mjs seed             give a demo stack members, owners and trash
//   node tests/api/corpus.mjs record FILE      run every request, write the answers to FILE
//   node tests/api/corpus.mjs compare FILE     run them again, print each answer that differs
//
// Run `seed` once, stop the stack and keep a copy of its database; then
// `record` with the old program and `compare` with the new one, each on a
// fresh copy of that database.  Answers are compared byte for byte; an id
// or a time that a write of the run itself made is replaced by a
// placeholder first (those differ from run to run by design).
import { readFileSync, writeFileSync } from 'node:fs';
import { Client, ADMIN_EMAIL, ADMIN_PASSWORD, signIn } from './lib.mjs';

const MEMBERS = ['corpus-one@corpus.test', 'corpus-two@corpus.test'];
const PASSWORD = 'corpus-password-1';
const COLLECTIONS = ['partners', 'campaigns', 'referrals', 'integrations', 'integration-ideas',
  'shared-customers', 'checklists'];
const LISTS = [...COLLECTIONS, 'performance'];

// A client whose answers are not checked against the OpenAPI document
// (the corpus sends invalid requests on purpose, and compares, not judges).
class Raw extends Client {
  async req(method, path, { body, raw, headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = `partnerships_session=${this.cookie}`;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    let payload = raw;
    if (raw === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${process.env.API_BASE ?? 'http://127.0.0.1:8091'}/api/v1${path}`,
      { method, headers: h, body: payload });
    const m = /partnerships_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
    if (m) this.cookie = m[1] || null;
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, type: res.headers.get('content-type'), etag: res.headers.get('etag'), text, json };
  }
}

async function rawSignIn(email, password) {
  const c = new Raw();
  const r = await c.login(email, password);
  if (r.status !== 200) throw new Error(`sign-in of ${email}: ${r.status} ${r.text}`);
  return c;
}

async function seed() {
  const admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  const ids = [];
  for (const [i, email] of MEMBERS.entries()) {
    const r = await admin.post('/users', { email, name: `Corpus ${i + 1}`, role: 'member', password: PASSWORD });
    if (r.status !== 201) throw new Error(r.text);
    ids.push(r.json.id);
  }
  const partners = (await admin.get('/partners?limit=100&sort=company')).json.items;
  // Every third partner to the first member, every third to the second;
  // attached records follow their partner.
  for (const [i, p] of partners.entries()) {
    if (i % 3 === 2) continue;
    const r = await admin.patch(`/partners/${p.id}`, { ownerUserId: ids[i % 3] },
      { headers: { 'if-match': `"${p.version}"` } });
    if (r.status !== 200) throw new Error(r.text);
  }
  const fresh = (await admin.get('/partners?limit=100&sort=company')).json.items;
  await admin.del(`/partners/${fresh[fresh.length - 1].id}`);
  for (const c of COLLECTIONS.slice(1)) {
    const items = (await admin.get(`/${c}?limit=1`)).json.items;
    if (items.length) await admin.del(`/${c}/${items[0].id}`);
  }
  console.log(`seeded: members ${ids.join(', ')}; ${partners.length} partners`);
}

// Every request of the corpus, in order; reads first, then writes.
async function* requests() {
  const admin = await rawSignIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  const one = await rawSignIn(MEMBERS[0], PASSWORD);
  const two = await rawSignIn(MEMBERS[1], PASSWORD);
  const readers = { admin, one, two };
  const doc = (await admin.get('/openapi.json')).json;
  yield ['admin', 'GET', '/openapi.json'];
  for (const who of Object.keys(readers)) {
    yield [who, 'GET', '/overview'];
    yield [who, 'GET', '/templates'];
    for (const c of LISTS) {
      const params = doc.paths[`/${c}`].get.parameters.map((p) => p.$ref ? p.$ref.split('/').pop() : p.name);
      const schema = doc.components.schemas;
      yield [who, 'GET', `/${c}`];
      yield [who, 'GET', `/${c}?limit=5&offset=3`];
      yield [who, 'GET', `/${c}?deleted=true`];
      yield [who, 'GET', `/${c}?q=a`];
      yield [who, 'GET', `/${c}?q=zzzz-nothing`];
      yield [who, 'GET', `/${c}?sort=nope`];
      yield [who, 'GET', `/${c}?bogus=1`];
      yield [who, 'GET', `/${c}?limit=0`];
      yield [who, 'GET', `/${c}?limit=abc`];
      const sortParam = doc.paths[`/${c}`].get.parameters.find((p) => p.name === 'sort');
      const sortKeys = sortParam?.schema?.items?.enum ?? sortParam?.schema?.enum ?? [];
      for (const key of sortKeys) yield [who, 'GET', `/${c}?sort=${encodeURIComponent(key)}&limit=7`];
      for (const p of doc.paths[`/${c}`].get.parameters) {
        if (!p.name || ['sort', 'limit', 'offset', 'q', 'deleted', 'cursor'].includes(p.name)) continue;
        const s = p.schema?.items ?? p.schema ?? {};
        const values = s.enum ? [s.enum[0], s.enum.slice(0, 2).join(','), 'not-a-value']
          : s.type === 'integer' ? ['3', '1,5', 'x'] : s.type === 'boolean' ? ['true', 'false', 'maybe']
            : s.format === 'date' ? ['2030-01-01', 'yesterday'] : ['me', 'x'];
        for (const v of values) yield [who, 'GET', `/${c}?${p.name}=${encodeURIComponent(v)}&limit=10`];
      }
      void params; void schema;
      if (c !== 'performance') {
        yield [who, 'GET', `/${c}.csv`];
        yield [who, 'GET', `/boards/${c}`];
        yield [who, 'GET', `/boards/${c}?limit=3`];
        const items = (await admin.get(`/${c}?limit=4`)).json.items;
        const trashed = (await admin.get(`/${c}?deleted=true&limit=1`)).json.items;
        for (const it of [...items, ...trashed]) {
          yield [who, 'GET', `/${c}/${it.id}`];
          yield [who, 'GET', `/${c}/${it.id}/history`];
        }
        yield [who, 'GET', `/${c}/nope`];
        yield [who, 'GET', `/${c}/AAAAAAAAAAAAAAAAAAAAA`];
      }
    }
  }
  // Writes: refused ones change nothing; accepted ones are replayed alike.
  for (const c of COLLECTIONS) {
    const [first] = (await admin.get(`/${c}?limit=1&sort=createdAt`)).json.items;
    const [partner] = (await admin.get('/partners?limit=1&sort=company')).json.items;
    for (const body of [{}, { bogus: 1 }, { id: 'x' }, { createdAt: '2020-01-01T00:00:00Z' }, [], 'x', null,
      { partnerId: 'AAAAAAAAAAAAAAAAAAAAA' }, { partnerId: 42 }, { status: 'nope' }, { notes: 7 }]) {
      yield ['admin', 'POST', `/${c}`, body];
      yield ['one', 'POST', `/${c}`, body];
    }
    yield ['admin', 'POST', `/${c}`, null, '{"a":'];
    yield ['one', 'PATCH', `/${c}/${first.id}`, { notes: 'x' }];
    yield ['admin', 'PATCH', `/${c}/${first.id}`, { notes: 'x' }];
    yield ['admin', 'PATCH', `/${c}/${first.id}`, { notes: 'corpus' }, undefined, `"${first.version}"`];
    yield ['admin', 'PATCH', `/${c}/${first.id}`, { notes: 'again' }, undefined, `"${first.version}"`];
    yield ['admin', 'PATCH', `/${c}/${first.id}`, { id: 'x' }, undefined, `"${first.version + 1}"`];
    yield ['admin', 'PATCH', `/${c}/${first.id}`, { version: 9 }, undefined, `"${first.version + 1}"`];
    yield ['admin', 'GET', `/${c}/${first.id}/history`];
    yield ['two', 'DELETE', `/${c}/${first.id}`];
    yield ['admin', 'DELETE', `/${c}/${first.id}`];
    yield ['admin', 'GET', `/${c}/${first.id}`];
    yield ['admin', 'POST', `/${c}/${first.id}/restore`];
    yield ['admin', 'GET', `/${c}/${first.id}`];
    void partner;
  }
  const [p] = (await admin.get('/partners?limit=1&sort=company')).json.items;
  for (const body of [
    { company: 'Corpus Co', contactName: 'Ann', contactEmail: 'ann@corpus.test', type: 'referral' },
    { company: 'Corpus Co', contactName: 'Ann', contactEmail: 'not-an-email', type: 'referral' },
    { company: ' ', contactName: 'Ann', contactEmail: 'ann@corpus.test', type: 'referral' },
    { company: 'Corpus Co', contactName: 'Ann', contactEmail: 'ann@corpus.test', type: 'referral', audienceOverlap: 9 },
    { company: 'Corpus Co', contactName: 'Ann', contactEmail: 'ann@corpus.test', type: 'nope' },
    { company: 'Corpus Co', contactName: 'Ann', contactEmail: 'ann@corpus.test', type: 'referral', nextReview: '2020-13-01' },
    { company: 'Corpus Co', contactName: 'Ann', contactEmail: 'ann@corpus.test', type: 'referral', ownerUserId: 'nobody' },
  ]) {
    // Two partners of one name would list in the order of their random ids.
    yield ['one', 'POST', '/partners', { ...body, company: `${body.company}1` }];
    yield ['admin', 'POST', '/partners', body];
  }
  for (const body of [
    { partnerId: p.id, name: 'Corpus webinar', type: 'webinar', startDate: '2030-01-01', budget: 100.5 },
    { partnerId: p.id, name: 'Corpus webinar', type: 'webinar', budget: -1 },
    { partnerId: p.id, name: 'Corpus webinar', type: 'webinar', budget: 1.234 },
    { partnerId: p.id, name: 'Corpus webinar', type: 'webinar', deliverables: ['a', 2] },
  ]) yield ['admin', 'POST', '/campaigns', body];
  for (const body of [
    { partnerId: p.id, direction: 'inbound', leadName: 'L', leadCompany: 'LC', dealValue: 10 },
    { partnerId: p.company, direction: 'inbound', leadName: 'L', leadCompany: 'LC' },
  ]) yield ['admin', 'POST', '/referrals', body];
  yield ['admin', 'POST', '/checklists', { partnerId: p.id, templateKey: 'onboarding' }];
  yield ['admin', 'POST', '/checklists', { partnerId: p.id, templateKey: 'nope' }];
  yield ['admin', 'GET', `/partners/${p.id}`];
  yield ['admin', 'GET', '/overview'];
  yield ['admin', 'GET', '/boards/partners'];
  for (const c of COLLECTIONS) {
    yield ['admin', 'POST', `/${c}/import`, null, 'x,y\n1,2\n', undefined, 'text/csv'];
  }
  yield ['admin', 'GET', '/partners.csv'];
  return readers;
}

async function run() {
  const clients = {
    admin: await rawSignIn(ADMIN_EMAIL, ADMIN_PASSWORD),
    one: await rawSignIn(MEMBERS[0], PASSWORD),
    two: await rawSignIn(MEMBERS[1], PASSWORD),
  };
  const out = [];
  for await (const [who, method, path, body, raw, ifMatch, type] of requests()) {
    const headers = {};
    if (ifMatch) headers['if-match'] = ifMatch;
    if (type) headers['content-type'] = type;
    const r = await clients[who].req(method, path,
      raw !== undefined ? { raw, headers } : body !== undefined ? { body, headers } : { headers });
    out.push({ who, method, path, body, status: r.status, type: r.type, etag: r.etag, text: r.text });
  }
  return out;
}

// Ids and times the run made itself, replaced by placeholders in order of
// first appearance (the same in both runs when nothing else differs).
function normalise(answers, known) {
  const names = new Map();
  const name = (kind, v) => {
    if (!names.has(v)) names.set(v, `<${kind}${names.size}>`);
    return names.get(v);
  };
  return answers.map((a) => ({
    ...a,
    text: a.text
      .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{21}(?![A-Za-z0-9_-])/g, (m) => (known.has(m) ? m : name('id', m)))
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)/g, (m) => (known.has(m) ? m : name('t', m))),
    etag: a.etag,
  }));
}

// The ids and times present before any write: the seeded database's.
function knownValues(answers) {
  const known = new Set();
  for (const a of answers) {
    if (a.method !== 'GET') break;
    for (const m of a.text.matchAll(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{21}(?![A-Za-z0-9_-])|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)/g)) known.add(m[0]);
  }
  return known;
}

const [mode, file] = process.argv.slice(2);
if (mode === 'seed') await seed();
else if (mode === 'record') {
  const answers = await run();
  writeFileSync(file, answers.map((a) => JSON.stringify(a)).join('\n') + '\n');
  console.log(`${answers.length} answers recorded in ${file}`);
} else if (mode === 'compare') {
  const before = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const after = await run();
  const known = knownValues(before);
  const [nb, na] = [normalise(before, known), normalise(after, known)];
  let differ = 0;
  let exact = 0;
  for (let i = 0; i < Math.max(nb.length, na.length); i++) {
    const [b, a] = [nb[i], na[i]];
    if (before[i] && after[i] && before[i].text === after[i].text && before[i].status === after[i].status) exact++;
    if (!b || !a || b.path !== a.path || b.status !== a.status || b.type !== a.type || b.text !== a.text) {
      differ++;
      if (differ <= 20) {
        console.log(`differs: ${b?.who} ${b?.method} ${b?.path} ${b?.body !== undefined ? JSON.stringify(b.body) : ''}`);
        console.log(`  before ${b?.status} ${b?.text.slice(0, 600)}`);
        console.log(`  after  ${a?.status} ${a?.text.slice(0, 600)}`);
      }
    }
  }
  console.log(`${nb.length} answers: ${nb.length - differ} the same (${exact} byte for byte before placeholders), ${differ} differ`);
  process.exit(differ ? 1 : 0);
} else {
  console.error('usage: corpus.mjs seed | record FILE | compare FILE');
  process.exit(2);
}
