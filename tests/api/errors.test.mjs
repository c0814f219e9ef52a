// Every wrong field of a body is named in one answer (sql/026): PostgreSQL
// stops at the first check that fails, the program asks for the rest; a
// value the program refuses itself and one the database refuses are named
// together; a patch is checked over the stored record; nothing is stored.
// And an export names only the columns it may have.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, newPartner, assertError } from './lib.mjs';

let m;
let partner;
before(async () => {
  m = await newMember(await admin(), 'errors');
  partner = await newPartner(m);
});

const count = async (path) => (await m.get(path)).json.total;

test('three values the database refuses: three fields named, nothing stored', async () => {
  const before = await count(`/campaigns?partnerId=${partner.id}`);
  const r = await m.post('/campaigns', {
    partnerId: partner.id, name: 'x'.repeat(300), type: 'webinar', budget: -500, startDate: '2026-05-01', endDate: '2026-04-01',
  });
  assertError(r, 422, 'validation', ['name', 'budget', 'endDate']);
  assert.equal(r.json.error.fields.name, 'must be 1 to 200 characters');
  assert.equal(r.json.error.fields.budget, 'must not be negative');
  assert.equal(r.json.error.fields.endDate, 'must not be before the start date');
  assert.equal(Object.keys(r.json.error.fields).length, 3, r.text);
  assert.equal(await count(`/campaigns?partnerId=${partner.id}`), before);
});

test('a value the program refuses and ones the database refuses are named together', async () => {
  const r = await m.post('/campaigns', { partnerId: partner.id, name: 'Fine name', type: 'nope', budget: -1, leads: -3 });
  assertError(r, 422, 'validation', ['type', 'budget', 'leads']);
  assert.match(r.json.error.fields.type, /must be one of/);
  const p = await m.post('/partners', { company: ' ', contactName: 'Ann', contactEmail: 'not-an-email', type: 'referral', audienceOverlap: 9 });
  assertError(p, 422, 'validation', ['company', 'contactEmail', 'audienceOverlap']);
});

test('a required field left out is named beside the wrong ones', async () => {
  const r = await m.post('/partners', { contactName: 'Ann', contactEmail: 'not-an-email', type: 'referral', strategicValue: 0 });
  assertError(r, 422, 'validation', ['company', 'contactEmail', 'strategicValue']);
  assert.equal(r.json.error.fields.company, 'is required');
});

test('a patch is checked over the stored record: every wrong field, nothing changed', async () => {
  const c = (await m.post('/campaigns', { partnerId: partner.id, name: 'Stored', type: 'webinar', startDate: '2026-05-01' })).json;
  const r = await m.patch(`/campaigns/${c.id}`, { endDate: '2026-04-01', revenue: -10, channel: ' padded ' },
    { headers: { 'if-match': `"${c.version}"` } });
  assertError(r, 422, 'validation', ['endDate', 'revenue', 'channel']);
  const now = (await m.get(`/campaigns/${c.id}`)).json;
  assert.equal(now.version, c.version);
  assert.equal(now.endDate, null);
});

test('an export takes the columns a table shows, in its order; an unknown one is 400 naming columns', async () => {
  const r = await m.get(`/partners.csv?columns=status,company&sort=company&q=${encodeURIComponent(partner.company)}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.text.trim().split('\r\n'), ['status,company', `prospect,${partner.company}`]);
  assertError(await m.get('/partners.csv?columns=company,colour'), 400, 'bad_request', ['columns']);
  assertError(await m.get('/partners?columns=company'), 400, 'bad_request', ['columns']);
});
