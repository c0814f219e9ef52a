// The six attached collections over HTTP: for each, the success path and
// every failure class of the partners tests, driven by one table.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, admin, newMember, newPartner, assertError, unique } from './lib.mjs';

let root, alice, bob, partner, bobPartner;

before(async () => {
  root = await admin();
  alice = await newMember(root, 'coll-alice');
  bob = await newMember(root, 'coll-bob');
  partner = await newPartner(alice);
  bobPartner = await newPartner(bob);
});

const json = { 'content-type': 'application/json' };

// path, a valid body, the required fields, an enumerated field with a bad
// value, a field of the wrong type, read-only fields, defaults, a change.
const collections = [
  {
    path: '/campaigns',
    body: (partnerId) => ({ partnerId, name: unique('Campaign'), type: 'webinar', budget: 1000, revenue: 1500 }),
    required: ['partnerId', 'name', 'type'],
    badEnum: { status: 'live' },
    wrongType: { leads: '12' },
    invalid: { budget: -1 },
    readOnly: ['roi', 'id', 'version', 'deletedAt'],
    defaults: { status: 'planning', leads: 0, conversions: 0, deliverables: [], roi: 0.5 },
    change: { status: 'promoting', leads: 40 },
  },
  {
    path: '/referrals',
    body: (partnerId) => ({ partnerId, direction: 'outbound', leadName: unique('Lead'), leadEmail: 'lead@x.example' }),
    required: ['partnerId', 'direction', 'leadName'],
    badEnum: { direction: 'sideways' },
    wrongType: { commissionPaid: 'yes' },
    invalid: { leadEmail: 'not-an-email' },
    readOnly: ['reciprocated', 'createdAt'],
    defaults: { status: 'introduced', commissionPaid: false, leadOptIn: false, partnerOptIn: false, convertedDate: null },
    change: { leadOptIn: true, partnerOptIn: true },
  },
  {
    path: '/integrations',
    body: (partnerId) => ({ partnerId, name: unique('Sync'), type: 'bidirectional_sync', errorRate: 2.5 }),
    required: ['partnerId', 'name'],
    badEnum: { health: 'great' },
    wrongType: { sharedCustomers: 1.5 },
    invalid: { errorRate: 101 },
    readOnly: ['updatedAt'],
    defaults: { status: 'discovery', health: 'unknown' },
    change: { status: 'launched', health: 'healthy' },
  },
  {
    path: '/integration-ideas',
    body: (partnerId) => ({ partnerId, description: unique('Idea'), customerRequestCount: 2 }),
    required: ['description'],
    badEnum: { priority: 'urgent' },
    wrongType: { effort: 'small' },
    invalid: { effort: 9 },
    readOnly: ['ownerUserId'],
    defaults: { priority: 'medium' },
    change: { priority: 'high', customerRequestCount: 7 },
  },
  {
    path: '/shared-customers',
    body: (partnerId) => ({ partnerId, customer: unique('Customer'), jointRevenue: 250.5 }),
    required: ['partnerId', 'customer'],
    badEnum: { health: 'fine' },
    wrongType: { jointRevenue: '250' },
    invalid: { jointRevenue: 1.234 },
    readOnly: ['version'],
    defaults: { health: 'unknown' },
    change: { health: 'at_risk' },
  },
  {
    path: '/checklists',
    body: (partnerId) => ({ partnerId, title: unique('Checklist'), items: [{ text: 'first', done: false }] }),
    required: ['partnerId', 'title'],
    badEnum: null,
    wrongType: { items: 'all done' },
    invalid: { templateKey: 'no_such_template' },
    readOnly: ['done', 'total'],
    defaults: { done: 0, total: 1, fields: {} },
    change: { notes: 'weekly' },
  },
];

for (const c of collections) {
  test(`${c.path}: create, get, list, patch, delete, restore, history`, async () => {
    const r = await alice.post(c.path, c.body(partner.id));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `/api/v1${c.path}/${r.json.id}`);
    assert.equal(r.headers.get('etag'), '"1"');
    for (const [k, v] of Object.entries(c.defaults)) assert.deepEqual(r.json[k], v, `${k} defaults`);
    const id = r.json.id;
    assert.equal((await alice.get(`${c.path}/${id}`)).json.id, id);
    const list = await alice.get(`${c.path}?limit=500`);
    assert.equal(list.status, 200);
    assert.ok(list.json.items.some((x) => x.id === id));
    const changed = await alice.patch(`${c.path}/${id}`, c.change, { headers: { 'if-match': '"1"' } });
    assert.equal(changed.status, 200, changed.text);
    for (const [k, v] of Object.entries(c.change)) assert.deepEqual(changed.json[k], v);
    assert.equal(changed.json.version, 2);
    assert.equal((await alice.del(`${c.path}/${id}`)).status, 204);
    assertError(await alice.del(`${c.path}/${id}`), 404, 'not_found');
    assert.ok(!(await alice.get(`${c.path}?limit=500`)).json.items.some((x) => x.id === id), 'gone from the list');
    assert.ok((await alice.get(`${c.path}?deleted=true&limit=500`)).json.items.some((x) => x.id === id), 'in the trash');
    const restored = await alice.post(`${c.path}/${id}/restore`);
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.deletedAt, null);
    const history = await alice.get(`${c.path}/${id}/history`);
    assert.deepEqual(history.json.items.map((h) => h.op), ['insert', 'update', 'delete', 'restore']);
    assert.equal(history.json.items[0].actor.id, alice.user.id);
  });

  test(`${c.path}: every failure class`, async () => {
    const body = c.body(partner.id);
    assertError(await alice.req('POST', c.path, { raw: '{"a":', headers: json }), 400, 'bad_request');
    assertError(await alice.req('POST', c.path, { raw: '[1]', headers: json }), 400, 'bad_request');
    assertError(await alice.post(c.path, { ...body, colour: 'red' }), 400, 'bad_request', ['colour']);
    for (const field of c.readOnly) {
      assertError(await alice.post(c.path, { ...body, [field]: 1 }), 400, 'bad_request', [field]);
    }
    assertError(await alice.post(c.path, { ...body, ...c.wrongType }), 400, 'bad_request', Object.keys(c.wrongType));
    for (const field of c.required) {
      const partial = { ...body };
      delete partial[field];
      assertError(await alice.post(c.path, partial), 422, 'validation', [field]);
    }
    if (c.badEnum) assertError(await alice.post(c.path, { ...body, ...c.badEnum }), 422, 'validation', Object.keys(c.badEnum));
    assertError(await alice.post(c.path, { ...body, ...c.invalid }), 422, 'validation', Object.keys(c.invalid));
    assertError(await alice.req('POST', c.path, { raw: JSON.stringify(body), headers: { 'content-type': 'text/csv' } }),
      415, 'unsupported_media_type');
    assertError(await alice.post(c.path, { ...body, notes: 'x'.repeat(1024 * 1024) }), 413, 'too_large');
    assertError(await new Client().post(c.path, body), 401, 'unauthenticated');
    assertError(await alice.post(c.path, body, { csrf: false }), 403, 'forbidden');
    assertError(await alice.get(`${c.path}?colour=red`), 400, 'bad_request', ['colour']);
    assertError(await alice.get(`${c.path}?sort=secret`), 400, 'bad_request', ['sort']);

    // Another member's record: 404 on every route, and it stays unchanged.
    const theirs = await bob.post(c.path, c.body(bobPartner.id));
    assert.equal(theirs.status, 201, theirs.text);
    const path = `${c.path}/${theirs.json.id}`;
    assertError(await alice.get(path), 404, 'not_found');
    assertError(await alice.patch(path, c.change), 404, 'not_found');
    assertError(await alice.del(path), 404, 'not_found');
    assertError(await alice.post(`${path}/restore`), 404, 'not_found');
    assertError(await alice.get(`${path}/history`), 404, 'not_found');
    assert.ok(!(await alice.get(`${c.path}?limit=500`)).json.items.some((x) => x.id === theirs.json.id));
    assert.equal((await bob.get(path)).json.version, 1, 'none of it changed the record');

    // Stale If-Match: 412 with the current record; nothing changes.
    const mine = (await alice.post(c.path, c.body(partner.id))).json;
    assert.equal((await alice.patch(`${c.path}/${mine.id}`, { notes: 'first' })).status, 200);
    const stale = await alice.patch(`${c.path}/${mine.id}`, c.change, { headers: { 'if-match': '"1"' } });
    assertError(stale, 412, 'precondition_failed');
    assert.equal(stale.json.error.current.version, 2);
    assertError(await alice.del(`${c.path}/${mine.id}`, { headers: { 'if-match': '"1"' } }), 412, 'precondition_failed');
    assert.equal((await alice.get(`${c.path}/${mine.id}`)).json.deletedAt, null);
  });

  if (c.required.includes('partnerId') || c.path === '/integration-ideas') {
    test(`${c.path}: attaching to a partner the user cannot see is a 422 on partnerId`, async () => {
      const r = await alice.post(c.path, c.body(bobPartner.id));
      assertError(r, 422, 'validation', ['partnerId']);
      assertError(await alice.post(c.path, c.body('doesNotExistAtAll0000')), 422, 'validation', ['partnerId']);
      const mine = (await alice.post(c.path, c.body(partner.id))).json;
      assertError(await alice.patch(`${c.path}/${mine.id}`, { partnerId: bobPartner.id }), 422, 'validation', ['partnerId']);
      assert.equal((await alice.get(`${c.path}/${mine.id}`)).json.partnerId, partner.id);
      assert.equal((await root.post(c.path, c.body(bobPartner.id))).status, 201, 'an admin attaches anywhere');
    });
  }
}

test('ideas without a partner belong to their creator; the backlog is sorted by customer requests', async () => {
  const carol = await newMember(root, 'coll-carol');
  for (const n of [3, 10, 0, 7]) {
    assert.equal((await carol.post('/integration-ideas', { description: `idea ${n}`, customerRequestCount: n })).status, 201);
  }
  const list = await carol.get('/integration-ideas');
  assert.deepEqual(list.json.items.map((i) => i.customerRequestCount), [10, 7, 3, 0]);
  assert.ok(list.json.items.every((i) => i.ownerUserId === carol.user.id && i.partnerId === null));
  assert.equal((await alice.get('/integration-ideas?limit=500')).json.items.filter((i) => i.ownerUserId === carol.user.id).length, 0);
  const history = await carol.get(`/integration-ideas/${list.json.items[0].id}/history`);
  assert.equal(history.json.items.length, 1, 'the creator reads the history of a partner-less idea');
});

test('filters and sorts of the attached lists', async () => {
  const dave = await newMember(root, 'coll-dave');
  const p1 = await newPartner(dave);
  const p2 = await newPartner(dave);
  await dave.post('/referrals', { partnerId: p1.id, direction: 'inbound', leadName: 'A', dealValue: 10 });
  await dave.post('/referrals', { partnerId: p1.id, direction: 'outbound', leadName: 'B', dealValue: 30 });
  await dave.post('/referrals', { partnerId: p2.id, direction: 'inbound', leadName: 'C', dealValue: 20, status: 'qualified' });
  const inbound = await dave.get('/referrals?direction=inbound&sort=-dealValue');
  assert.deepEqual(inbound.json.items.map((r) => r.leadName), ['C', 'A']);
  assert.equal(inbound.json.total, 2);
  assert.deepEqual((await dave.get(`/referrals?partnerId=${p1.id}&sort=leadName`)).json.items.map((r) => r.leadName), ['A', 'B']);
  assert.deepEqual((await dave.get('/referrals?status=qualified,converted')).json.items.map((r) => r.leadName), ['C']);
  assert.deepEqual((await dave.get('/referrals?q=b')).json.items.map((r) => r.leadName), ['B']);
  assertError(await dave.get('/referrals?direction=up'), 422, 'validation', ['direction']);
});
