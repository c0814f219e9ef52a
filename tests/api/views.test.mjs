// Saved views (sql/README.md "Saved views"): private against shared, the
// owner against others (404 for a private view to anyone else, admins
// included; 403 for a write to someone else's shared view), a query or
// columns the list would refuse (422 naming them), history, delete and
// restore, and bad bodies.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, assertError, unique } from './lib.mjs';

let root, ann, bob;
before(async () => {
  root = await admin();
  ann = await newMember(root, 'views-ann');
  bob = await newMember(root, 'views-bob');
});

const view = (overrides = {}) => ({ name: unique('View'), collection: 'partners', query: 'status=active&sort=-revenueAttributed',
  columns: ['company', 'status', 'revenueAttributed'], ...overrides });

test('a private view exists for its owner only: 404 to another member and to an admin, absent from their lists', async () => {
  const r = await ann.post('/views', view());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.shared, false);
  assert.equal(r.json.ownerUserId, ann.user.id);
  assert.equal(r.json.kind, 'table');
  for (const other of [bob, root]) {
    assertError(await other.get(`/views/${r.json.id}`), 404, 'not_found');
    assertError(await other.patch(`/views/${r.json.id}`, { name: 'Mine now' }, { headers: { 'if-match': '"1"' } }), 404, 'not_found');
    assertError(await other.del(`/views/${r.json.id}`), 404, 'not_found');
    assertError(await other.get(`/views/${r.json.id}/history`), 404, 'not_found');
    const list = await other.get('/views?collection=partners&limit=500');
    assert.ok(!list.json.items.some((v) => v.id === r.json.id), 'not in another user\'s list');
  }
  assert.equal((await ann.get(`/views/${r.json.id}`)).status, 200);
});

test('a shared view is listed for everyone; only its owner or an admin changes or deletes it (403 for others)', async () => {
  const shared = (await ann.post('/views', view({ shared: true }))).json;
  const mine = (await bob.post('/views', view({ name: 'Bob\'s own' }))).json;
  const list = await bob.get('/views?collection=partners&limit=500');
  assert.equal(list.status, 200);
  const ids = list.json.items.map((v) => v.id);
  assert.ok(ids.includes(shared.id) && ids.includes(mine.id), 'own and shared views');
  assertError(await bob.patch(`/views/${shared.id}`, { name: 'Taken over' }, { headers: { 'if-match': `"${shared.version}"` } }),
    403, 'forbidden');
  assertError(await bob.del(`/views/${shared.id}`), 403, 'forbidden');
  assert.equal((await bob.get(`/views/${shared.id}`)).json.name, shared.name, 'unchanged');
  const renamed = await root.patch(`/views/${shared.id}`, { name: 'Renamed by an admin' }, { headers: { 'if-match': `"${shared.version}"` } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.json.ownerUserId, ann.user.id, 'the owner stays');
  const stale = await ann.patch(`/views/${shared.id}`, { name: 'Stale' }, { headers: { 'if-match': `"${shared.version}"` } });
  assertError(stale, 412, 'precondition_failed');
  const unshare = await ann.patch(`/views/${shared.id}`, { shared: false }, { headers: { 'if-match': `"${renamed.json.version}"` } });
  assert.equal(unshare.status, 200, unshare.text);
  assertError(await bob.get(`/views/${shared.id}`), 404, 'not_found', []);
});

test('the query is checked as its list checks it, the columns as fields of the collection: 422 naming them', async () => {
  assertError(await ann.post('/views', view({ query: 'sort=nope' })), 422, 'validation', ['query']);
  assertError(await ann.post('/views', view({ query: 'status=flying' })), 422, 'validation', ['query']);
  assertError(await ann.post('/views', view({ query: 'colour=red' })), 422, 'validation', ['query']);
  assertError(await ann.post('/views', view({ query: 'limit=10' })), 422, 'validation', ['query']);
  assertError(await ann.post('/views', view({ columns: ['company', 'colour'] })), 422, 'validation', ['columns']);
  assertError(await ann.post('/views', view({ columns: 'company' })), 400, 'bad_request', ['columns']);
  assertError(await ann.post('/views', view({ collection: 'nothing' })), 422, 'validation', ['collection']);
  assertError(await ann.post('/views', view({ collection: 'referrals', kind: 'board', query: '', columns: [] })), 422, 'validation', ['kind']);
  assertError(await ann.post('/views', view({ kind: 'list' })), 422, 'validation', ['kind']);
  assertError(await ann.post('/views', view({ name: 'x'.repeat(101) })), 422, 'validation', ['name']);
  assertError(await ann.post('/views', view({ name: 7 })), 400, 'bad_request', ['name']);
  assertError(await ann.post('/views', view({ ownerUserId: bob.user.id })), 400, 'bad_request', ['ownerUserId']);
  assertError(await ann.post('/views', view({ colour: 'red' })), 400, 'bad_request', ['colour']);
  assertError(await ann.post('/views', { collection: 'partners' }), 422, 'validation', ['name']);
  // A board of a collection that has one; a query valid for campaigns.
  const board = await ann.post('/views', view({ collection: 'campaigns', kind: 'board', query: 'type=webinar&sort=name', columns: ['name'] }));
  assert.equal(board.status, 201, board.text);
  // A patch is checked against the stored collection, or the new one.
  assertError(await ann.patch(`/views/${board.json.id}`, { query: 'tier=strategic' }, { headers: { 'if-match': '"1"' } }),
    422, 'validation', ['query']);
  assertError(await ann.patch(`/views/${board.json.id}`, { collection: 'referrals' }, { headers: { 'if-match': '"1"' } }),
    422, 'validation', ['query']);
  const ok = await ann.patch(`/views/${board.json.id}`, { query: 'status=planning' }, { headers: { 'if-match': '"1"' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.version, 2);
});

test('history, delete and restore of a view; the trash is its owner\'s', async () => {
  const v = (await ann.post('/views', view())).json;
  await ann.patch(`/views/${v.id}`, { columns: ['company'] }, { headers: { 'if-match': '"1"' } });
  assert.equal((await ann.del(`/views/${v.id}`)).status, 204);
  const trash = await ann.get('/views?deleted=true&limit=500');
  assert.ok(trash.json.items.some((x) => x.id === v.id));
  assert.ok(!(await bob.get('/views?deleted=true&limit=500')).json.items.some((x) => x.id === v.id));
  const back = await ann.post(`/views/${v.id}/restore`);
  assert.equal(back.status, 200, back.text);
  const history = await ann.get(`/views/${v.id}/history`);
  assert.deepEqual(history.json.items.map((h) => h.op), ['insert', 'update', 'delete', 'restore']);
  assert.deepEqual(history.json.items[1].changes.columns, [['company', 'status', 'revenueAttributed'], ['company']]);
  assert.equal(history.json.items[0].actor.id, ann.user.id);
});
