// Sparse fieldsets: ?fields=a,b on lists, records by id, boards and the performance table
// answers each record with only those fields (and its id), the same records
// in the same order with the same totals; a name that is no field is a 400.
// A board asked for what its cards show is at least five times smaller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, newPartner, assertError } from './lib.mjs';

test('a list with fields= has the same records, each with only those fields', async () => {
  const m = await newMember(await admin(), 'sparse');
  for (let i = 0; i < 3; i++) await newPartner(m, { notes: 'n'.repeat(500) });
  const whole = (await m.get('/partners?sort=company')).json;
  const sparse = await m.get('/partners?sort=company&fields=company,status,revenueAttributed');
  assert.equal(sparse.status, 200, sparse.text);
  assert.equal(sparse.json.total, whole.total);
  assert.deepEqual(sparse.json.items, whole.items.map((p) => ({ id: p.id, company: p.company, status: p.status, revenueAttributed: p.revenueAttributed })));
  assert.deepEqual(Object.keys(sparse.json.items[0]), ['id', 'company', 'status', 'revenueAttributed'], 'the id first, then the fields in the record\'s order');
  const perf = (await m.get('/performance?fields=score,roi')).json.items[0];
  assert.deepEqual(Object.keys(perf).sort(), ['roi', 'score'], 'a list-only view has no id of its own');
  assertError(await m.get('/partners?fields=company,passwordHash'), 400, 'bad_request', ['fields']);
  assertError(await m.get('/partners?fields='), 400, 'bad_request', ['fields']);
  assertError(await m.get('/partners.csv?fields=company'), 400, 'bad_request', ['fields']);
  assertError(await m.get('/boards/partners?fields=notes;drop'), 400, 'bad_request', ['fields']);

  const one = await m.get(`/partners/${whole.items[0].id}?fields=company,version`);
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(one.json, { id: whole.items[0].id, company: whole.items[0].company, version: whole.items[0].version }, 'a record by id too');
  assert.equal(one.headers.get('etag'), `"${whole.items[0].version}"`);
  assertError(await m.get(`/partners/${whole.items[0].id}?fields=secret`), 400, 'bad_request', ['fields']);
  assertError(await m.get(`/partners/${whole.items[0].id}?limit=1`), 400, 'bad_request', ['limit']);
  const theirs = await newPartner(await newMember(await admin(), 'sparse-other'));
  assertError(await m.get(`/partners/${theirs.id}?fields=company`), 404, 'not_found', [], 'another member\'s record, sparse or whole');
});

test('a board asked for what its cards show is at least five times smaller', async (t) => {
  const m = await newMember(await admin(), 'cards');
  for (let i = 0; i < 40; i++) await newPartner(m, { contactPhone: '+1 555 0100', notes: 'A partner note of a usual length, a sentence or two.' });
  const whole = await m.get('/boards/partners?limit=300');
  const cards = await m.get('/boards/partners?limit=300&fields=company,version,type,revenueAttributed');
  assert.deepEqual(cards.json.columns.map((c) => [c.status, c.count, c.revenue, c.items.map((i) => i.id)]),
    whole.json.columns.map((c) => [c.status, c.count, c.revenue, c.items.map((i) => i.id)]), 'the same columns, counts and cards');
  const ratio = whole.text.length / cards.text.length;
  t.diagnostic(`measured: board of 40 partners ${whole.text.length} bytes, its cards' fields ${cards.text.length} bytes (${ratio.toFixed(1)}x smaller)`);
  assert.ok(ratio >= 5, `${ratio.toFixed(1)}x`);
});
