// POST /C/bulk: many records changed, deleted or restored in one
// transaction, one oplog row per record, all or nothing: a stale version,
// a record the user cannot see or a value the data rules refuse for one
// record changes nothing and says which; the 500 limit and bad bodies.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, newPartner, assertError } from './lib.mjs';

let root, ann, bob;
before(async () => {
  root = await admin();
  ann = await newMember(root, 'bulk-ann');
  bob = await newMember(root, 'bulk-bob');
});

const three = async () => Promise.all([1, 2, 3].map(() => newPartner(ann)));

test('set a field on several records: each as a PATCH would leave it, in order, one oplog row each', async () => {
  const ps = await three();
  const ids = ps.map((p) => p.id).reverse();
  const r = await ann.post('/partners/bulk', { ids, set: { status: 'active', tier: 'premier' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((p) => p.id), ids);
  for (const p of r.json.items) {
    assert.equal(p.status, 'active');
    assert.equal(p.tier, 'premier');
    assert.equal(p.version, 2);
    const history = (await ann.get(`/partners/${p.id}/history`)).json.items;
    assert.equal(history.length, 2);
    assert.deepEqual(history[1].changes.status, ['prospect', 'active']);
  }
});

test('all or nothing: a stale version (412), a record not the user\'s (404), a refused value (422) each change nothing and say which', async () => {
  const ps = await three();
  const ids = ps.map((p) => p.id);
  const stale = await ann.post('/partners/bulk', { ids, set: { tier: 'strategic' }, versions: { [ids[0]]: 1, [ids[1]]: 7 } });
  assertError(stale, 412, 'precondition_failed');
  assert.deepEqual(stale.json.error.ids, [ids[1]]);
  const theirs = await newPartner(bob);
  const other = await ann.post('/partners/bulk', { ids: [...ids, theirs.id], set: { tier: 'strategic' } });
  assertError(other, 404, 'not_found');
  assert.deepEqual(other.json.error.ids, [theirs.id]);
  // A campaign whose start is after the new end date: that one is named.
  const early = (await ann.post('/campaigns', { partnerId: ids[0], name: 'Early', type: 'webinar', startDate: '2026-01-01' })).json;
  const late = (await ann.post('/campaigns', { partnerId: ids[0], name: 'Late', type: 'webinar', startDate: '2026-09-01' })).json;
  const refused = await ann.post('/campaigns/bulk', { ids: [early.id, late.id], set: { endDate: '2026-06-30' } });
  assertError(refused, 422, 'validation', ['endDate']);
  assert.deepEqual(refused.json.error.ids, [late.id]);
  for (const p of ps) assert.equal((await ann.get(`/partners/${p.id}`)).json.tier, 'standard', 'nothing changed');
  assert.equal((await ann.get(`/campaigns/${early.id}`)).json.endDate, null, 'nothing changed');
});

test('delete and restore in bulk: a count, the trash, one oplog row each; the other user sees nothing of it', async () => {
  const ps = await three();
  const ids = ps.map((p) => p.id);
  const gone = await ann.post('/partners/bulk', { ids, action: 'delete' });
  assert.equal(gone.status, 200, gone.text);
  assert.deepEqual(gone.json, { count: 3 });
  const trash = (await ann.get('/partners?deleted=true&limit=500')).json.items.map((p) => p.id);
  for (const id of ids) assert.ok(trash.includes(id));
  assertError(await ann.post('/partners/bulk', { ids, action: 'delete' }), 404, 'not_found');
  assertError(await bob.post('/partners/bulk', { ids, action: 'restore' }), 404, 'not_found');
  const back = await ann.post('/partners/bulk', { ids, action: 'restore' });
  assert.deepEqual(back.json, { count: 3 });
  const history = (await ann.get(`/partners/${ids[0]}/history`)).json.items.map((h) => h.op);
  assert.deepEqual(history, ['insert', 'delete', 'restore']);
});

test('bad bodies: no ids, too many, twice the same, an unknown field, both set and action, a read-only field', async () => {
  const [p] = await three();
  assertError(await ann.post('/partners/bulk', { ids: [], action: 'delete' }), 400, 'bad_request', ['ids']);
  const many = Array.from({ length: 501 }, (_, i) => `id${String(i).padStart(19, '0')}`);
  assertError(await ann.post('/partners/bulk', { ids: many, action: 'delete' }), 400, 'bad_request', ['ids']);
  assertError(await ann.post('/partners/bulk', { ids: [p.id, p.id], action: 'delete' }), 400, 'bad_request', ['ids']);
  assertError(await ann.post('/partners/bulk', { ids: [p.id], set: { colour: 'red' } }), 400, 'bad_request', ['colour']);
  assertError(await ann.post('/partners/bulk', { ids: [p.id], set: { tier: 'premier' }, action: 'delete' }), 400, 'bad_request');
  assertError(await ann.post('/partners/bulk', { ids: [p.id], set: { score: 3 } }), 400, 'bad_request', ['score']);
  assertError(await ann.post('/partners/bulk', { ids: [p.id], set: { tier: 'gold' } }), 422, 'validation', ['tier']);
  assertError(await ann.post('/partners/bulk', { ids: [p.id], action: 'explode' }), 400, 'bad_request', ['action']);
  assertError(await ann.post('/partners/bulk', { ids: [p.id], action: 'delete', extra: 1 }), 400, 'bad_request', ['extra']);
  assert.equal((await ann.get(`/partners/${p.id}`)).json.version, 1, 'nothing changed');
});
