// The partners collection (fcgi/README.md "Collections"): every route's
// success path, and for each route its failures, by two members and an
// admin.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, admin, newMember, newPartner, partnerBody, assertError, unique } from './lib.mjs';

let root, alice, bob;

before(async () => {
  root = await admin();
  alice = await newMember(root, 'alice');
  bob = await newMember(root, 'bob');
});

const json = { 'content-type': 'application/json' };

test('create: 201 with Location and ETag; defaults, trimming, derived figures', async () => {
  const body = partnerBody({
    company: '  Trimmed Co  ', contactPhone: '', audienceOverlap: 4, strategicValue: 5, executionEffort: 1,
    nextReview: '2020-01-01', lastSync: '2026-01-31T09:30:00Z', agreementUrl: 'https://trimmed.example/terms',
  });
  const r = await alice.post('/partners', body);
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.match(p.id, /^[A-Za-z0-9_-]{21}$/);
  assert.equal(r.headers.get('location'), `/api/v1/partners/${p.id}`);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(p.company, 'Trimmed Co');
  assert.equal(p.contactPhone, null, 'an empty optional string is stored as null');
  assert.equal(p.status, 'prospect');
  assert.equal(p.tier, 'standard');
  assert.equal(p.ownerUserId, alice.user.id);
  assert.equal(p.score, 8);
  assert.equal(p.engagement, 'invest');
  assert.equal(p.reviewDue, true);
  assert.equal(p.referralsMade, 0);
  assert.equal(p.revenueAttributed, 0);
  assert.equal(p.oneSided, false);
  assert.equal(p.version, 1);
  assert.equal(p.deletedAt, null);
  assert.match(p.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$/);
  assert.equal(new Date(p.lastSync).toISOString(), '2026-01-31T09:30:00.000Z');
});

test('create: validation errors name the field', async () => {
  assertError(await alice.post('/partners', { contactName: 'N', contactEmail: 'n@x.test', type: 'referral' }), 422,
    'validation', ['company']);
  assertError(await alice.post('/partners', partnerBody({ company: '   ' })), 422, 'validation', ['company']);
  assertError(await alice.post('/partners', partnerBody({ contactEmail: 'not-an-email' })), 422, 'validation',
    ['contactEmail']);
  assertError(await alice.post('/partners', partnerBody({ type: 'reseller' })), 422, 'validation', ['type']);
  assertError(await alice.post('/partners', partnerBody({ status: 'won' })), 422, 'validation', ['status']);
  assertError(await alice.post('/partners', partnerBody({ audienceOverlap: 6 })), 422, 'validation',
    ['audienceOverlap']);
  assertError(await alice.post('/partners', partnerBody({ agreementUrl: 'javascript:alert(1)' })), 422, 'validation',
    ['agreementUrl']);
  assertError(await alice.post('/partners', partnerBody({ nextReview: '2026-02-30' })), 422, 'validation',
    ['nextReview']);
  assertError(await alice.post('/partners', partnerBody({ lastSync: 'yesterday' })), 422, 'validation', ['lastSync']);
  assertError(await alice.post('/partners', partnerBody({ ownerUserId: 'nobody' })), 403, 'forbidden');
  assertError(await root.post('/partners', partnerBody({ ownerUserId: 'nobody' })), 422, 'validation',
    ['ownerUserId']);
  const r = await alice.post('/partners', partnerBody({ type: 'reseller' }));
  assert.match(r.json.error.fields.type, /co_marketing/, 'the message lists the allowed values');
});

test('create: malformed, non-object, unknown, read-only and wrong-typed bodies are 400; wrong media type 415', async () => {
  assertError(await alice.req('POST', '/partners', { raw: '{"company": "x",', headers: json }), 400, 'bad_request');
  assertError(await alice.req('POST', '/partners', { raw: '"just a string"', headers: json }), 400, 'bad_request');
  assertError(await alice.req('POST', '/partners', { raw: '[]', headers: json }), 400, 'bad_request');
  assertError(await alice.req('POST', '/partners', { raw: '{"company":"a","company":"b"}', headers: json }), 400,
    'bad_request');
  assertError(await alice.post('/partners', partnerBody({ colour: 'red' })), 400, 'bad_request', ['colour']);
  for (const field of ['id', 'score', 'revenueAttributed', 'referralsMade', 'version', 'createdAt', 'deletedAt']) {
    assertError(await alice.post('/partners', partnerBody({ [field]: 1 })), 400, 'bad_request', [field]);
  }
  assertError(await alice.post('/partners', partnerBody({ company: 42 })), 400, 'bad_request', ['company']);
  assertError(await alice.post('/partners', partnerBody({ audienceOverlap: '4' })), 400, 'bad_request',
    ['audienceOverlap']);
  assertError(await alice.post('/partners', partnerBody({ audienceOverlap: 4.5 })), 400, 'bad_request',
    ['audienceOverlap']);
  assertError(await alice.post('/partners', partnerBody({ notes: { nested: true } })), 400, 'bad_request', ['notes']);
  assertError(await alice.req('POST', '/partners', { raw: JSON.stringify(partnerBody()), headers: { 'content-type': 'text/plain' } }),
    415, 'unsupported_media_type');
  assertError(await alice.req('POST', '/partners', { raw: JSON.stringify(partnerBody()) }), 415,
    'unsupported_media_type');
  assertError(await alice.post('/partners', partnerBody({ notes: 'x'.repeat(1100000) })), 413, 'too_large');
});

test('get: 200 with ETag; 404 for unknown ids and for another member\'s partner; admins see all', async () => {
  const p = await newPartner(alice);
  const r = await alice.get(`/partners/${p.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.deepEqual(r.json, p);
  assertError(await bob.get(`/partners/${p.id}`), 404, 'not_found');
  assertError(await alice.get('/partners/AAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
  assert.equal((await root.get(`/partners/${p.id}`)).status, 200);
  assertError(await new Client().get(`/partners/${p.id}`), 401, 'unauthenticated');
});

test('patch: partial update with If-Match; stale version 412 with the current record', async () => {
  const p = await newPartner(alice, { notes: 'first' });
  const r = await alice.patch(`/partners/${p.id}`, { status: 'negotiating', notes: null }, { headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'negotiating');
  assert.equal(r.json.notes, null);
  assert.equal(r.json.company, p.company, 'fields not sent are kept');
  assert.equal(r.json.version, 2);
  assert.equal(r.headers.get('etag'), '"2"');
  const stale = await alice.patch(`/partners/${p.id}`, { status: 'active' }, { headers: { 'if-match': '"1"' } });
  assertError(stale, 412, 'precondition_failed');
  assert.equal(stale.json.error.current.status, 'negotiating', 'the other change is shown, not overwritten');
  assert.equal(stale.json.error.current.version, 2);
  assert.equal((await alice.get(`/partners/${p.id}`)).json.status, 'negotiating', 'the stale write changed nothing');
  assertError(await alice.patch(`/partners/${p.id}`, { status: 'active' }, { headers: { 'if-match': 'two' } }), 400,
    'bad_request');
  const same = await alice.patch(`/partners/${p.id}`, {}, { headers: { 'if-match': '"2"' } });
  assert.equal(same.status, 200);
  assert.equal(same.json.version, 2, 'an empty patch changes nothing');
  const noop = await alice.patch(`/partners/${p.id}`, { status: 'negotiating' });
  assert.equal(noop.json.version, 2, 'writing the same value is no new version');
});

test('patch: every failure class', async () => {
  const p = await newPartner(alice);
  const path = `/partners/${p.id}`;
  assertError(await new Client().patch(path, { notes: 'x' }), 401, 'unauthenticated');
  assertError(await alice.patch(path, { notes: 'x' }, { csrf: false }), 403, 'forbidden');
  assertError(await bob.patch(path, { notes: 'x' }), 404, 'not_found');
  assertError(await alice.req('PATCH', path, { raw: '{notes: 1}', headers: json }), 400, 'bad_request');
  assertError(await alice.req('PATCH', path, { raw: '[]', headers: json }), 400, 'bad_request');
  assertError(await alice.patch(path, { nickname: 'x' }), 400, 'bad_request', ['nickname']);
  assertError(await alice.patch(path, { score: 9 }), 400, 'bad_request', ['score']);
  assertError(await alice.patch(path, { tier: 3 }), 400, 'bad_request', ['tier']);
  assertError(await alice.patch(path, { tier: 'gold' }), 422, 'validation', ['tier']);
  assertError(await alice.patch(path, { company: null }), 422, 'validation', ['company']);
  assertError(await alice.req('PATCH', path, { raw: '{"notes":"x"}', headers: { 'content-type': 'text/csv' } }), 415,
    'unsupported_media_type');
  assertError(await alice.patch(path, { notes: 'y'.repeat(1100000) }), 413, 'too_large');
  assertError(await alice.patch(path, { notes: 'y'.repeat(20001) }), 422, 'validation', ['notes']);
  assert.equal((await alice.get(path)).json.version, 1, 'none of it changed the record');
});

test('ownership: members cannot reassign; admins can, and the partner moves', async () => {
  const p = await newPartner(alice);
  assertError(await alice.patch(`/partners/${p.id}`, { ownerUserId: bob.user.id }), 403, 'forbidden');
  assert.equal((await alice.get(`/partners/${p.id}`)).json.ownerUserId, alice.user.id);
  const r = await root.patch(`/partners/${p.id}`, { ownerUserId: bob.user.id });
  assert.equal(r.status, 200);
  assertError(await alice.get(`/partners/${p.id}`), 404, 'not_found');
  assert.equal((await bob.get(`/partners/${p.id}`)).status, 200);
});

test('concurrent PATCHes with the same If-Match: exactly one wins', async () => {
  const p = await newPartner(alice);
  const statuses = ['prospect', 'negotiating', 'onboarding', 'active', 'expanding', 'churned', 'negotiating', 'active'];
  const results = await Promise.all(statuses.map((status, i) =>
    alice.patch(`/partners/${p.id}`, { status, notes: `writer ${i}` }, { headers: { 'if-match': '"1"' } })));
  const winners = results.filter((r) => r.status === 200);
  const losers = results.filter((r) => r.status === 412);
  assert.equal(winners.length, 1, results.map((r) => r.status).join(','));
  assert.equal(losers.length, statuses.length - 1);
  const now = await alice.get(`/partners/${p.id}`);
  assert.equal(now.json.version, 2);
  assert.equal(now.json.notes, winners[0].json.notes, 'the winner\'s write is the one kept');
  const history = await alice.get(`/partners/${p.id}/history`);
  assert.equal(history.json.items.filter((h) => h.op === 'update').length, 1, 'one update in the oplog');
});

test('delete and restore: soft, in the trash, 404 when repeated, history of all of it', async () => {
  const p = await newPartner(alice);
  assertError(await alice.del(`/partners/${p.id}`, { csrf: false }), 403, 'forbidden');
  assertError(await bob.del(`/partners/${p.id}`), 404, 'not_found');
  assertError(await alice.del(`/partners/${p.id}`, { headers: { 'if-match': '"7"' } }), 412, 'precondition_failed');
  assert.equal((await alice.del(`/partners/${p.id}`)).status, 204);
  assertError(await alice.del(`/partners/${p.id}`), 404, 'not_found');
  const live = await alice.get('/partners?limit=500');
  assert.ok(!live.json.items.some((x) => x.id === p.id), 'gone from the list');
  const trash = await alice.get('/partners?deleted=true&limit=500');
  assert.ok(trash.json.items.some((x) => x.id === p.id && x.deletedAt), 'listed in the trash');
  assertError(await alice.patch(`/partners/${p.id}`, { notes: 'x' }), 404, 'not_found');
  assertError(await bob.post(`/partners/${p.id}/restore`), 404, 'not_found');
  const restored = await alice.post(`/partners/${p.id}/restore`);
  assert.equal(restored.status, 200);
  assert.equal(restored.json.deletedAt, null);
  assertError(await alice.post(`/partners/${p.id}/restore`), 404, 'not_found');
  const history = await alice.get(`/partners/${p.id}/history`);
  assert.equal(history.status, 200);
  assert.deepEqual(history.json.items.map((h) => h.op), ['insert', 'delete', 'restore']);
  assert.deepEqual(history.json.items[0].actor, { id: alice.user.id, name: alice.user.name });
  assert.deepEqual(history.json.items[0].changes.company, [null, p.company]);
  assert.ok(history.json.items.every((h, i, all) => i === 0 || h.seq > all[i - 1].seq), 'oldest first');
  assertError(await bob.get(`/partners/${p.id}/history`), 404, 'not_found');
  assertError(await alice.get('/partners/AAAAAAAAAAAAAAAAAAAAA/history'), 404, 'not_found');
  assertError(await new Client().get(`/partners/${p.id}/history`), 401, 'unauthenticated');
});

test('list: only own partners for members, everything for admins, with filters, search, sort and paging', async () => {
  const tag = unique('Listco');
  const mine = [
    await newPartner(alice, { company: `${tag} A`, status: 'active', type: 'integration', nextReview: '2020-01-01' }),
    await newPartner(alice, { company: `${tag} B`, status: 'expanding', type: 'referral', notes: 'needle in notes' }),
    await newPartner(alice, { company: `${tag} C`, status: 'prospect', type: 'referral', nextReview: '2999-01-01' }),
  ];
  await newPartner(bob, { company: `${tag} Bob's` });
  const all = await alice.get(`/partners?q=${encodeURIComponent(tag)}`);
  assert.equal(all.status, 200);
  assert.equal(all.json.total, 3, 'bob\'s partner is not in alice\'s list, nor its count');
  assert.deepEqual(Object.keys(all.json).sort(), ['items', 'limit', 'offset', 'total']);
  assert.equal(all.json.limit, 50);
  assert.equal((await root.get(`/partners?q=${encodeURIComponent(tag)}`)).json.total, 4, 'an admin sees all');
  const active = await alice.get(`/partners?q=${encodeURIComponent(tag)}&status=active,expanding&sort=-company`);
  assert.deepEqual(active.json.items.map((p) => p.id), [mine[1].id, mine[0].id]);
  const typed = await alice.get(`/partners?q=${encodeURIComponent(tag)}&type=referral&status=prospect`);
  assert.deepEqual(typed.json.items.map((p) => p.id), [mine[2].id]);
  assert.equal((await alice.get('/partners?q=NEEDLE%20IN')).json.items[0].id, mine[1].id, 'search is case-insensitive over notes');
  // LIKE's metacharacters are plain text: "10%_off" finds the company with
  // those very characters, not one where % and _ stand for other letters,
  // and a % after the tag (which as a pattern matches them all) finds none.
  const meta = unique('Metaco');
  const literal = await newPartner(alice, { company: `${meta} 10%_off` });
  await newPartner(alice, { company: `${meta} 10xyoff` });
  const percent = await alice.get(`/partners?q=${encodeURIComponent(`${meta} 10%_off`)}`);
  assert.equal(percent.status, 200, percent.text);
  assert.deepEqual(percent.json.items.map((p) => p.company), [literal.company], 'LIKE metacharacters are plain text');
  assert.equal(percent.json.total, 1);
  const wildcard = await alice.get(`/partners?q=${encodeURIComponent(`${meta}%`)}`);
  assert.deepEqual([wildcard.json.total, wildcard.json.items], [0, []], 'a % matches only a %');
  const due = await alice.get(`/partners?q=${encodeURIComponent(tag)}&reviewDue=true`);
  assert.deepEqual(due.json.items.map((p) => p.id), [mine[0].id]);
  const before = await alice.get(`/partners?q=${encodeURIComponent(tag)}&nextReviewBefore=2500-01-01`);
  assert.deepEqual(before.json.items.map((p) => p.id), [mine[0].id]);
  const page = await alice.get(`/partners?q=${encodeURIComponent(tag)}&limit=2&offset=2`);
  assert.equal(page.json.items.length, 1);
  assert.equal(page.json.total, 3);
  assert.equal(page.json.offset, 2);
  // A search's total is taken with its page, and counted apart when the
  // page is empty: the same total before, on and past the last page.
  for (const [query, items] of [['limit=1', 1], ['limit=1&offset=2', 1], ['limit=1&offset=3', 0], ['offset=1000', 0]]) {
    const r = await alice.get(`/partners?q=${encodeURIComponent(tag)}&${query}`);
    assert.equal(r.json.items.length, items, query);
    assert.equal(r.json.total, 3, query);
  }
  assert.equal((await root.get(`/partners?q=${encodeURIComponent(tag)}&offset=4`)).json.total, 4, 'an admin\'s, past the end');
  assert.equal((await alice.get(`/partners?q=${encodeURIComponent(tag)}&deleted=true`)).json.total, 0, 'a search of the trash');
  const owned = await root.get(`/partners?q=${encodeURIComponent(tag)}&ownerUserId=${bob.user.id}`);
  assert.equal(owned.json.total, 1);
  const me = await root.get(`/partners?q=${encodeURIComponent(tag)}&owner=me`);
  assert.equal(me.json.total, 0, 'owner=me: the admin owns none of these');
  const byFilterOnOther = await alice.get(`/partners?ownerUserId=${bob.user.id}`);
  assert.equal(byFilterOnOther.json.total, 0, 'filtering on another owner reveals nothing');
});

test('notes of any allowed length are saved and searched, however little they compress', async () => {
  // 20,000 characters of hexadecimal words: no index entry could hold them.
  const words = [];
  let seed = 12345;
  while (words.join(' ').length < 20000) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    words.push(seed.toString(16).padStart(8, '0'));
  }
  const tag = `tail${Date.now().toString(36)}`;
  const notes = `${words.join(' ')} ${tag}`.slice(-20000);
  assert.equal(notes.length, 20000);
  const r = await alice.post('/partners', partnerBody({ notes }));
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.notes, notes);
  const found = await alice.get(`/partners?q=${tag}`);
  assert.deepEqual(found.json.items.map((p) => p.id), [r.json.id], 'a word at the very end of the notes is found');
  const changed = await alice.patch(`/partners/${r.json.id}`, { notes: notes.split('').reverse().join('') },
    { headers: { 'if-match': `"${r.json.version}"` } });
  assert.equal(changed.status, 200, JSON.stringify(changed.json));
});

test('list: bad parameters are 400 (422 for impossible filter values), unauthenticated 401', async () => {
  assertError(await alice.get('/partners?colour=red'), 400, 'bad_request', ['colour']);
  assertError(await alice.get('/partners?sort=password'), 400, 'bad_request', ['sort']);
  assertError(await alice.get('/partners?sort=company;drop%20table%20partners'), 400, 'bad_request', ['sort']);
  assertError(await alice.get('/partners?limit=0'), 400, 'bad_request', ['limit']);
  assertError(await alice.get('/partners?limit=501'), 400, 'bad_request', ['limit']);
  assertError(await alice.get('/partners?offset=-5'), 400, 'bad_request', ['offset']);
  assertError(await alice.get('/partners?limit=1&limit=2'), 400, 'bad_request');
  assertError(await alice.get('/partners?status=won'), 422, 'validation', ['status']);
  assertError(await alice.get('/partners?deleted=yes'), 400, 'bad_request', ['deleted']);
  assertError(await alice.get('/partners?nextReviewBefore=soon'), 422, 'validation', ['nextReviewBefore']);
  assertError(await new Client().get('/partners'), 401, 'unauthenticated');
});

test('restore, delete and history routes refuse the unauthenticated and cross-site', async () => {
  const p = await newPartner(alice);
  assertError(await new Client().del(`/partners/${p.id}`), 401, 'unauthenticated');
  assertError(await new Client().post(`/partners/${p.id}/restore`), 401, 'unauthenticated');
  assertError(await alice.post(`/partners/${p.id}/restore`, undefined, { csrf: false }), 403, 'forbidden');
});
