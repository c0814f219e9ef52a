// What ties the hub together: cascade delete and restore, ownership that
// follows the partner, derived figures under every kind of write (and
// concurrent ones), boards, overview, performance, templates, checklists,
// the intro text and the oplog feed.  Each test uses a member of its own, so
// that hand-computed figures are exact.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { admin, newMember, newPartner, assertError } from './lib.mjs';

let root;
before(async () => { root = await admin(); });

const figures = async (client, id) => {
  const p = (await client.get(`/partners/${id}`)).json;
  return {
    made: p.referralsMade, received: p.referralsReceived, shared: p.sharedCustomers,
    revenue: p.revenueAttributed, balance: p.referralBalance, oneSided: p.oneSided,
  };
};

test('derived figures follow create, update, delete, restore and moves between partners', async () => {
  const m = await newMember(root, 'figures');
  const p = await newPartner(m);
  const q = await newPartner(m);
  const zero = { made: 0, received: 0, shared: 0, revenue: 0, balance: 0, oneSided: false };
  assert.deepEqual(await figures(m, p.id), zero);

  const inbound = (await m.post('/referrals', { partnerId: p.id, direction: 'inbound', leadName: 'In', dealValue: 1000 })).json;
  assert.deepEqual(await figures(m, p.id), { ...zero, made: 1, balance: 1 }, 'unconverted deals add no revenue');
  const converted = await m.patch(`/referrals/${inbound.id}`, { status: 'converted' });
  assert.equal(converted.json.convertedDate, converted.json.referredDate, 'the database dates the conversion');
  assert.equal((await figures(m, p.id)).revenue, 1000);
  await m.patch(`/referrals/${inbound.id}`, { dealValue: 1200.5 });
  assert.equal((await figures(m, p.id)).revenue, 1200.5);

  const outs = [];
  for (let i = 0; i < 3; i++) {
    outs.push((await m.post('/referrals', { partnerId: q.id, direction: 'outbound', leadName: `Out ${i}`, dealValue: 99 })).json);
  }
  assert.deepEqual(await figures(m, q.id), { ...zero, received: 3, balance: -3, oneSided: true },
    'three sent and none received: one-sided');
  assert.equal(outs[0].reciprocated, false);

  const campaign = (await m.post('/campaigns', { partnerId: p.id, name: 'C', type: 'event', budget: 100, revenue: 300 })).json;
  const shared = (await m.post('/shared-customers', { partnerId: p.id, customer: 'Acme', jointRevenue: 50 })).json;
  assert.deepEqual(await figures(m, p.id), { ...zero, made: 1, balance: 1, shared: 1, revenue: 1550.5 });

  assert.equal((await m.del(`/campaigns/${campaign.id}`)).status, 204);
  assert.equal((await figures(m, p.id)).revenue, 1250.5, 'a deleted campaign no longer counts');
  await m.post(`/campaigns/${campaign.id}/restore`);
  assert.equal((await figures(m, p.id)).revenue, 1550.5, 'restored, it counts again');

  await m.patch(`/shared-customers/${shared.id}`, { partnerId: q.id });
  assert.deepEqual(await figures(m, p.id), { ...zero, made: 1, balance: 1, revenue: 1500.5 });
  assert.deepEqual(await figures(m, q.id), { ...zero, received: 3, balance: -3, oneSided: true, shared: 1, revenue: 50 });

  await m.patch(`/referrals/${inbound.id}`, { direction: 'outbound' });
  assert.deepEqual(await figures(m, p.id), { ...zero, received: 1, balance: -1, revenue: 300 },
    'an outbound deal is the partner\'s revenue, not ours');
  const back = await m.post('/referrals', { partnerId: q.id, direction: 'inbound', leadName: 'Back' });
  assert.equal((await m.get(`/referrals/${outs[0].id}`)).json.reciprocated, true, 'the partner referred back');
  assert.equal((await figures(m, q.id)).oneSided, false);
  await m.del(`/referrals/${back.json.id}`);
  assert.equal((await m.get(`/referrals/${outs[0].id}`)).json.reciprocated, false, 'deleted referrals do not count');
});

test('20 concurrent referral inserts on one partner leave referralsMade exactly right', async () => {
  const m = await newMember(root, 'concurrent');
  const p = await newPartner(m);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    m.post('/referrals', { partnerId: p.id, direction: i % 4 === 0 ? 'outbound' : 'inbound', leadName: `L${i}`,
                           status: 'converted', dealValue: 10 })));
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(201));
  const f = await figures(m, p.id);
  assert.equal(f.made, 15);
  assert.equal(f.received, 5);
  assert.equal(f.revenue, 150);
  const deletes = await Promise.all(results.slice(0, 10).map((r) => m.del(`/referrals/${r.json.id}`)));
  assert.deepEqual(deletes.map((r) => r.status), Array(10).fill(204));
  const g = await figures(m, p.id);
  assert.equal(g.made + g.received, 10);
  assert.equal(g.made, 15 - 7);
});

test('deleting a partner takes its records to the trash; restoring brings back exactly those', async () => {
  const m = await newMember(root, 'cascade');
  const p = await newPartner(m);
  const made = {};
  for (const [path, body] of [
    ['/campaigns', { name: 'C', type: 'webinar' }], ['/referrals', { direction: 'inbound', leadName: 'L' }],
    ['/integrations', { name: 'I' }], ['/integration-ideas', { description: 'D' }],
    ['/shared-customers', { customer: 'S', jointRevenue: 5 }], ['/checklists', { templateKey: 'new_partner' }],
  ]) {
    const r = await m.post(path, { partnerId: p.id, ...body });
    assert.equal(r.status, 201, r.text);
    made[path] = r.json.id;
  }
  const early = (await m.post('/campaigns', { partnerId: p.id, name: 'deleted before', type: 'other' })).json;
  assert.equal((await m.del(`/campaigns/${early.id}`)).status, 204);

  assert.equal((await m.del(`/partners/${p.id}`)).status, 204);
  for (const [path, id] of Object.entries(made)) {
    const r = await m.get(`${path}/${id}`);
    assert.ok(r.json.deletedAt, `${path} went to the trash with its partner`);
    const history = await m.get(`${path}/${id}/history`);
    assert.equal(history.json.items.at(-1).op, 'delete', `${path}: the oplog has the delete`);
    assertError(await m.post(`${path}/${id}/restore`), 409, 'conflict');
  }
  assertError(await m.post('/campaigns', { partnerId: p.id, name: 'late', type: 'other' }), 422, 'validation', ['partnerId']);

  assert.equal((await m.post(`/partners/${p.id}/restore`)).status, 200);
  for (const [path, id] of Object.entries(made)) {
    const r = await m.get(`${path}/${id}`);
    assert.equal(r.json.deletedAt, null, `${path} came back with its partner`);
    assert.equal((await m.get(`${path}/${id}/history`)).json.items.at(-1).op, 'restore');
  }
  assert.ok((await m.get(`/campaigns/${early.id}`)).json.deletedAt, 'the one deleted before stays in the trash');
  assert.equal((await figures(m, p.id)).shared, 1);
  assert.equal((await figures(m, p.id)).revenue, 5);
});

test('an admin reassigning a partner carries its records to the new owner', async () => {
  const from = await newMember(root, 'from');
  const to = await newMember(root, 'to');
  const p = await newPartner(from);
  const c = (await from.post('/campaigns', { partnerId: p.id, name: 'Moves', type: 'event' })).json;
  const r = (await from.post('/referrals', { partnerId: p.id, direction: 'outbound', leadName: 'Moves' })).json;
  await from.post('/shared-customers', { partnerId: p.id, customer: 'Moves too', jointRevenue: 40 });
  const figuresBefore = await figures(from, p.id);
  assert.equal((await root.patch(`/partners/${p.id}`, { ownerUserId: to.user.id })).status, 200);
  assert.deepEqual(await figures(to, p.id), figuresBefore, 'the figures are the same for the new owner');
  assertError(await from.get(`/campaigns/${c.id}`), 404, 'not_found');
  assertError(await from.get(`/referrals/${r.id}`), 404, 'not_found');
  assert.equal((await to.get(`/campaigns/${c.id}`)).status, 200);
  assert.equal((await to.get(`/referrals/${r.id}`)).status, 200);
  assert.equal((await to.get('/overview')).json.introsMade, 1);
  assert.equal((await from.get('/overview')).json.introsMade, 0);
  assert.equal((await to.get(`/campaigns/${c.id}/history`)).json.items.length, 1, 'the history moves too');
});

test('boards: every column in pipeline order with count and revenue, against a hand-computed fixture', async () => {
  const m = await newMember(root, 'board');
  const partners = {};
  for (const [name, status] of [['A', 'active'], ['B', 'active'], ['C', 'prospect'], ['D', 'churned']]) {
    partners[name] = await newPartner(m, { status, company: `Board ${name}` });
  }
  await m.post('/campaigns', { partnerId: partners.A.id, name: 'a1', type: 'webinar', revenue: 100, status: 'completed' });
  await m.post('/campaigns', { partnerId: partners.A.id, name: 'a2', type: 'webinar', revenue: 50.25, status: 'planning' });
  await m.post('/campaigns', { partnerId: partners.B.id, name: 'b1', type: 'event', revenue: 10, status: 'completed' });
  await m.post('/shared-customers', { partnerId: partners.C.id, customer: 'X', jointRevenue: 7 });

  const board = (await m.get('/boards/partners')).json;
  assert.deepEqual(board.columns.map((c) => c.status),
    ['prospect', 'negotiating', 'onboarding', 'active', 'expanding', 'churned']);
  const by = Object.fromEntries(board.columns.map((c) => [c.status, c]));
  assert.deepEqual([by.prospect.count, by.negotiating.count, by.active.count, by.churned.count], [1, 0, 2, 1]);
  assert.deepEqual([by.prospect.revenue, by.negotiating.revenue, by.active.revenue], [7, 0, 160.25]);
  assert.deepEqual(by.negotiating.items, []);
  assert.deepEqual(by.active.items.map((p) => p.company).sort(), ['Board A', 'Board B']);
  const limited = (await m.get('/boards/partners?limit=1&sort=-revenueAttributed')).json;
  assert.equal(limited.columns[3].count, 2, 'counts are of the whole column');
  assert.deepEqual(limited.columns[3].items.map((p) => p.company), ['Board A']);
  const paged = (await m.get('/boards/partners?limit=1&offset=1&sort=-revenueAttributed')).json;
  assert.deepEqual(paged.columns[3].items.map((p) => p.company), ['Board B'], 'offset pages within each column');
  assert.deepEqual(paged.columns[0].items, [], 'a column shorter than the offset is empty');
  // Filters narrow every column: a status filter empties the others; any
  // other filter or search counts only what matches.
  // An unfiltered board reads kept totals, a filtered one counts (type
  // matches every partner here): the two agree after a delete, a status
  // move and a restore.
  const columnFigures = (b) => b.columns.map((c) => [c.status, c.count, c.revenue]);
  const counted = async () => columnFigures((await m.get('/boards/partners?type=referral')).json);
  assert.deepEqual(columnFigures(board), await counted());
  assert.equal((await m.del(`/partners/${partners.A.id}`)).status, 204);
  await m.patch(`/partners/${partners.C.id}`, { status: 'expanding' });
  let kept = columnFigures((await m.get('/boards/partners')).json);
  assert.deepEqual(kept, await counted(), 'after a delete and a status move');
  assert.deepEqual(kept.map(([, n]) => n), [0, 0, 0, 1, 1, 1]);
  await m.post(`/partners/${partners.A.id}/restore`);
  kept = columnFigures((await m.get('/boards/partners')).json);
  assert.deepEqual(kept, await counted(), 'after a restore');
  assert.deepEqual(kept.map(([, n]) => n), [0, 0, 0, 2, 1, 1]);
  // A list of some statuses (or all) reads its total from the same totals:
  // it equals the rows counted under a filter every partner here matches,
  // and the rows themselves.
  const totals = [];
  for (const q of ['', 'status=active', 'status=active,expanding', 'status=negotiating']) {
    const keptList = (await m.get(`/partners?${q}`)).json;
    const countedList = (await m.get(`/partners?${q}${q ? '&' : ''}type=referral`)).json;
    assert.equal(keptList.total, countedList.total, q);
    assert.equal(keptList.total, keptList.items.length, q);
    totals.push(keptList.total);
  }
  assert.deepEqual(totals, [4, 2, 3, 0]);
  // So does the performance table, best first (sql/016).
  const performance = [];
  for (const q of ['', 'status=active', 'status=active,expanding', 'status=negotiating']) {
    const keptList = (await m.get(`/performance?${q}`)).json;
    const countedList = (await m.get(`/performance?${q}${q ? '&' : ''}type=referral`)).json;
    assert.equal(keptList.total, countedList.total, `performance ${q}`);
    assert.deepEqual(keptList.items, countedList.items, `performance ${q}`);
    assert.equal(keptList.total, keptList.items.length, `performance ${q}`);
    performance.push(keptList.total);
  }
  assert.deepEqual(performance, [4, 2, 3, 0]);
  assert.deepEqual((await m.get('/performance')).json.items.map((p) => [p.company, p.revenue]),
    [['Board A', 150.25], ['Board B', 10], ['Board C', 7], ['Board D', 0]], 'highest revenue first');
  await m.patch(`/partners/${partners.C.id}`, { status: 'prospect' });
  const active = (await m.get('/boards/partners?status=active')).json;
  assert.deepEqual(active.columns.map((c) => c.count), [0, 0, 0, 2, 0, 0]);
  const searched = (await m.get(`/boards/partners?q=${encodeURIComponent('Board A')}`)).json;
  assert.deepEqual(searched.columns.map((c) => [c.count, c.revenue]), [[0, 0], [0, 0], [0, 0], [1, 150.25], [0, 0], [0, 0]]);

  const campaigns = (await m.get('/boards/campaigns')).json;
  assert.deepEqual(campaigns.columns.map((c) => [c.status, c.count, c.revenue]),
    [['planning', 1, 50.25], ['creating', 0, 0], ['promoting', 0, 0], ['completed', 2, 110], ['archived', 0, 0]]);
  assertError(await m.get('/boards/referrals'), 404, 'not_found');
  assertError(await m.get('/boards/partners?colour=red'), 400, 'bad_request', ['colour']);

  const overview = (await m.get('/overview')).json;
  assert.deepEqual(overview, {
    activePartners: 2, revenueAttributed: 167.25, introsMade: 0, reviewsDue: 0, partners: 4,
    partnersByStatus: { prospect: 1, negotiating: 0, onboarding: 0, active: 2, expanding: 0, churned: 1 },
  });

  const perf = (await m.get('/performance?sort=-revenue')).json;
  assert.deepEqual(perf.items.map((r) => [r.company, r.revenue, r.campaigns, r.sharedCustomers]),
    [['Board A', 150.25, 2, 0], ['Board B', 10, 1, 0], ['Board C', 7, 0, 1], ['Board D', 0, 0, 0]]);
  assert.equal(perf.total, 4);
  assert.deepEqual((await m.get('/performance?type=co_marketing')).json.items, []);
  assertError(await m.get('/performance?sort=password'), 400, 'bad_request', ['sort']);
  assert.equal((await m.req('POST', '/performance', { body: {} })).status, 405);
});

test('overview: reviews due are the live partners to review today or earlier, each reader their own', async () => {
  const m = await newMember(root, 'reviews');
  const other = await newMember(root, 'reviews-other');
  // The database's today, in UTC as every date of the API.
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const due = async (client) => (await client.get('/overview')).json.reviewsDue;
  const past = await newPartner(m, { nextReview: day(-30) });
  const today = await newPartner(m, { nextReview: day(0) });
  const later = await newPartner(m, { nextReview: day(5) });
  await newPartner(m, { nextReview: day(-30) });
  await newPartner(m);
  await newPartner(other, { nextReview: day(-1) });
  assert.equal(await due(m), 3, 'two on one past date, one today; not the later one, the undated one or another\'s');
  assert.equal(await due(other), 1);
  await m.patch(`/partners/${later.id}`, { nextReview: day(-2) });
  assert.equal(await due(m), 4, 'a review moved into the past is due');
  await m.patch(`/partners/${today.id}`, { nextReview: day(1) });
  assert.equal(await due(m), 3, 'a review put off is not');
  assert.equal((await m.del(`/partners/${past.id}`)).status, 204);
  assert.equal(await due(m), 2, 'a deleted partner is not due');
  await m.post(`/partners/${past.id}/restore`);
  assert.equal(await due(m), 3, 'restored, it is again');
  assert.equal((await root.patch(`/partners/${past.id}`, { ownerUserId: other.user.id })).status, 200);
  assert.deepEqual([await due(m), await due(other)], [2, 2], 'a reassigned partner is due for its new owner');
  assert.ok(await due(root) >= 4, 'an admin counts everyone\'s');
});

test('performance: ROI over campaigns with a budget and results, score and engagement', async () => {
  const m = await newMember(root, 'perf');
  const p = await newPartner(m, { audienceOverlap: 5, strategicValue: 4, executionEffort: 2 });
  await m.post('/campaigns', { partnerId: p.id, name: 'x', type: 'event', budget: 200, revenue: 500 });
  await m.post('/campaigns', { partnerId: p.id, name: 'y', type: 'event', budget: 100, revenue: 200 });
  await m.post('/campaigns', { partnerId: p.id, name: 'z', type: 'event', revenue: 1000 });
  await m.post('/campaigns', { partnerId: p.id, name: 'w', type: 'event', status: 'planning', budget: 5000 });
  await m.post('/referrals', { partnerId: p.id, direction: 'outbound', leadName: 'r' });
  const [row] = (await m.get('/performance')).json.items;
  // Not 4.6667 (z's revenue counted), 1.25 (the mean of each campaign's),
  // nor 2.3333 (revenue over budget).
  assert.equal(row.roi, 1.3333, '(700 - 300) / 300 to four places: campaigns without a budget, or without results yet (w, in planning), are left out');
  assert.equal(row.referrals, 1);
  assert.equal(row.score, 7);
  assert.equal(row.engagement, 'active');
});

test('templates: every one of the seed, word for word', async () => {
  // The playbook the templates are copied from (tests/README.md "The playbook").
  const seed = await readFile(new URL('./fixtures/partnerships.txt', import.meta.url), 'utf8');
  const r = await root.get('/templates');
  assert.equal(r.status, 200);
  const keys = r.json.items.map((t) => t.key);
  assert.equal(keys.length, 16);
  for (const key of ['joint_webinar', 'joint_blog_post', 'social_media_swap', 'bundle_promotion', 'integration_discovery',
    'integration_build', 'integration_test', 'integration_launch', 'integration_maintain', 'new_partner',
    'partner_offboarding', 'cross_sell', 'bundle_offer', 'quarterly_review', 'referral_agreement', 'intro_request']) {
    assert.ok(keys.includes(key), key);
  }
  const webinar = (await root.get('/templates/joint_webinar')).json;
  assert.equal(webinar.items[2], 'Draft email sequences (both sides)');
  assert.equal(webinar.header, 'Partner: [name], Topic: [topic], Date: [date]');
  assertError(await root.get('/templates/nothing'), 404, 'not_found');
  {
    // Every item and title is a line of the seed; every checklist line of
    // the seed is an item of some template.
    const lines = seed.split('\n').map((l) => l.replace(/^[│├└─\s]*/, '').replace(/^(□|▶)\s*/, '').trim());
    const items = r.json.items.flatMap((t) => t.items);
    for (const text of items) assert.ok(lines.includes(text), `"${text}" is in the seed`);
    for (const t of r.json.items) assert.ok(lines.includes(t.title), `"${t.title}" is in the seed`);
    const boxes = seed.split('\n').filter((l) => l.includes('□')).map((l) => l.replace(/^.*□\s*/, '').trim());
    for (const box of boxes) assert.ok(items.includes(box), `seed item "${box}" is in a template`);
    const intro = r.json.items.find((t) => t.key === 'intro_request').body;
    assert.ok(seed.replace(/\n│ /g, '\n').includes(intro), 'the intro request text is the seed\'s');
  }
});

test('checklists: made from a template; the database records who checked what, when', async () => {
  const m = await newMember(root, 'checklist');
  const p = await newPartner(m);
  const c = await m.post('/checklists', { partnerId: p.id, templateKey: 'partner_offboarding' });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.title, 'Partner Offboarding');
  assert.equal(c.json.total, 5);
  assert.equal(c.json.items[3].text, 'Update partner status to "churned"');
  const items = c.json.items.map((it, i) => ({ text: it.text, done: i === 0 }));
  const checked = (await m.patch(`/checklists/${c.json.id}`, { items })).json;
  assert.equal(checked.done, 1);
  assert.equal(checked.items[0].doneBy, m.user.id);
  assert.ok(Date.parse(checked.items[0].doneAt) > Date.now() - 60000);
  assert.equal(checked.items[1].doneAt, null);
  // A client cannot forge who checked an item, or when.
  items[1] = { text: items[1].text, done: true, doneBy: 'someone-else', doneAt: '2000-01-01T00:00:00Z' };
  const again = (await m.patch(`/checklists/${c.json.id}`, { items })).json;
  assert.equal(again.items[0].doneAt, checked.items[0].doneAt, 'an item already done keeps its time');
  assert.equal(again.items[1].doneBy, m.user.id);
  assert.notEqual(again.items[1].doneAt, '2000-01-01T00:00:00Z');
  items[0] = { text: items[0].text, done: false };
  assert.equal((await m.patch(`/checklists/${c.json.id}`, { items })).json.items[0].doneBy, null);
  assertError(await m.patch(`/checklists/${c.json.id}`, { items: [{ done: true }] }), 422, 'validation', ['items']);
  assertError(await m.patch(`/checklists/${c.json.id}`, { items: [{ text: 'x', done: 'yes' }] }), 422, 'validation', ['items']);
  assertError(await m.patch(`/checklists/${c.json.id}`, { templateKey: 'new_partner' }), 422, 'validation', ['templateKey']);
  const other = await newMember(root, 'checklist-other');
  const q = await newPartner(other);
  const campaign = (await other.post('/campaigns', { partnerId: q.id, name: 'theirs', type: 'event' })).json;
  assertError(await m.post('/checklists', { partnerId: p.id, templateKey: 'joint_webinar', campaignId: campaign.id }),
    422, 'validation', ['campaignId']);
  const own = (await m.post('/campaigns', { partnerId: p.id, name: 'ours', type: 'webinar' })).json;
  const linked = await m.post('/checklists', { partnerId: p.id, templateKey: 'joint_webinar', campaignId: own.id,
                                               fields: { topic: 'Pipelines', date: '2026-12-01' } });
  assert.equal(linked.status, 201, linked.text);
  assert.deepEqual(linked.json.fields, { topic: 'Pipelines', date: '2026-12-01' });
  assertError(await m.post('/checklists', { partnerId: p.id, templateKey: 'joint_webinar', fields: { n: 1 } }),
    422, 'validation', ['fields']);
});

test('the intro request text is filled from an outbound referral and its partner; an inbound one has none', async () => {
  const m = await newMember(root, 'intro');
  const p = await newPartner(m, { contactName: 'Dana Whitfield' });
  const r = (await m.post('/referrals', { partnerId: p.id, direction: 'outbound', leadName: 'Sam Lee',
                                          leadCompany: 'Acme, Inc.', notes: 'Evaluating analytics vendors.' })).json;
  const intro = (await m.get(`/referrals/${r.id}/intro`)).json;
  assert.equal(intro.text, 'Hi Dana Whitfield,\nWould love to introduce Sam Lee at Acme, Inc. to you.\n' +
    'They\'re looking for [what partner provides] and I think you\'d be a great fit. Want me to make the intro?\n' +
    'Evaluating analytics vendors.', 'filled, with no line break in mid-sentence');
  assert.deepEqual([intro.leadOptIn, intro.partnerOptIn], [false, false]);
  const inbound = (await m.post('/referrals', { partnerId: p.id, direction: 'inbound', leadName: 'From Them' })).json;
  assertError(await m.get(`/referrals/${inbound.id}/intro`), 404, 'not_found');
  const other = await newMember(root, 'intro-other');
  assertError(await other.get(`/referrals/${r.id}/intro`), 404, 'not_found');
});

test('the oplog feed: only what the user may see, oldest first, paged by since', async () => {
  const m = await newMember(root, 'feed');
  const other = await newMember(root, 'feed-other');
  const p = await newPartner(m);
  await m.post('/campaigns', { partnerId: p.id, name: 'logged', type: 'event' });
  await newPartner(other);
  const all = (await m.get('/oplog?limit=1000')).json;
  assert.ok(all.items.length >= 2);
  // Shared saved views are everyone's (their rows too); every other row is of m's partner.
  const own = all.items.filter((row) => row.entity !== 'views');
  assert.ok(own.length >= 2 && own.every((row) => row.partnerId === p.id), 'no row of another member');
  const seqs = all.items.map((row) => row.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  const page = (await m.get(`/oplog?since=${seqs[0]}&limit=1`)).json;
  assert.deepEqual(page.items.map((row) => row.seq), [seqs[1]]);
  assert.equal(page.next, seqs[1]);
  assert.ok((await root.get('/oplog?limit=1000')).json.items.length > all.items.length, 'admins see more');
  assertError(await m.get('/oplog?since=-1'), 400, 'bad_request', ['since']);
  assertError(await m.get('/oplog?limit=5000'), 400, 'bad_request', ['limit']);
  assertError(await m.get('/oplog?entity=x'), 400, 'bad_request', ['entity']);
});

test('attached records carry their partner\'s company name, renamed with it, and it cannot be written', async () => {
  const m = await newMember(root, 'partner-name');
  const p = await newPartner(m, { company: 'Named Partner Co' });
  const bodies = {
    '/campaigns': { name: 'C', type: 'event' },
    '/referrals': { direction: 'inbound', leadName: 'L' },
    '/integrations': { name: 'I' },
    '/integration-ideas': { description: 'D' },
    '/shared-customers': { customer: 'S' },
    '/checklists': { templateKey: 'joint_blog_post' },
  };
  const made = {};
  for (const [path, body] of Object.entries(bodies)) {
    const r = await m.post(path, { partnerId: p.id, ...body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    assert.equal(r.json.partner, 'Named Partner Co', path);
    made[path] = r.json;
  }
  assert.equal((await m.patch(`/partners/${p.id}`, { company: 'Renamed Co' })).status, 200);
  for (const path of Object.keys(bodies)) {
    assert.equal((await m.get(`${path}/${made[path].id}`)).json.partner, 'Renamed Co', path);
  }
  assertError(await m.patch(`/campaigns/${made['/campaigns'].id}`, { partner: 'Forged' }), 400, 'bad_request');
  const idea = (await m.post('/integration-ideas', { description: 'no partner' })).json;
  assert.equal(idea.partner, null, 'an idea without a partner has none');
  // Another member's partner name never shows through a record they cannot see.
  const other = await newMember(root, 'partner-name-other');
  assertError(await other.get(`/campaigns/${made['/campaigns'].id}`), 404, 'not_found');
});
