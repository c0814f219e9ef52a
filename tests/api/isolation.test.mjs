// Isolation, route by route: a second member gets 404 or nothing for the
// first member's records, through every way in (by id, writes, lists with
// search, filters and sort, CSV, boards, overview, performance, history, the
// oplog feed, the intro text).  Each check is paired with the owner seeing
// the same record the same way, so a route that returned nothing to anyone
// could not pass.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, newPartner, unique } from './lib.mjs';

let root, alice, bob, marker, partner;
const records = {};   // collection -> alice's record

// Each collection with a body carrying the marker in a searchable text field.
const collections = {
  campaigns: (partnerId) => ({ partnerId, name: `${marker} campaign`, type: 'webinar', budget: 1000, revenue: 700 }),
  referrals: (partnerId) => ({ partnerId, direction: 'outbound', leadName: `${marker} lead` }),
  integrations: (partnerId) => ({ partnerId, name: `${marker} sync` }),
  'integration-ideas': (partnerId) => ({ partnerId, description: `${marker} idea` }),
  'shared-customers': (partnerId) => ({ partnerId, customer: `${marker} customer`, jointRevenue: 500 }),
  checklists: (partnerId) => ({ partnerId, title: `${marker} checklist`, items: [{ text: 'one', done: false }] }),
};

before(async () => {
  root = await admin();
  alice = await newMember(root, 'iso-alice');
  bob = await newMember(root, 'iso-bob');
  marker = unique('Isolated');
  partner = await newPartner(alice, { company: `${marker} Ltd`, status: 'active' });
  records.partners = partner;
  for (const [path, body] of Object.entries(collections)) {
    const r = await alice.post(`/${path}`, body(partner.id));
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    records[path] = r.json;
  }
  await newPartner(bob, { company: unique('Bob Co') });
});

const all = () => Object.entries(records);

test('by id: 404 for the other member on read, patch, delete, restore and history', async () => {
  for (const [path, record] of all()) {
    for (const [method, suffix, body] of [['GET', ''], ['GET', '/history'], ['PATCH', '', { notes: 'mine now' }],
      ['DELETE', ''], ['POST', '/restore']]) {
      const r = await bob.req(method, `/${path}/${record.id}${suffix}`, { body });
      assert.equal(r.status, 404, `${method} /${path}/{id}${suffix}: ${r.status} ${r.text}`);
      assert.ok(!r.text.includes(marker), `${method} /${path}/{id}${suffix} tells nothing`);
    }
    assert.equal((await alice.get(`/${path}/${record.id}`)).status, 200, `${path}: the owner reads it`);
    assert.equal((await alice.get(`/${path}/${record.id}/history`)).status, 200, `${path}: the owner reads its history`);
  }
  const intro = `/referrals/${records.referrals.id}/intro`;
  assert.equal((await bob.get(intro)).status, 404);
  assert.equal((await alice.get(intro)).status, 200);
  // Nothing changed by the refused writes.
  const after = await alice.get(`/partners/${partner.id}`);
  assert.equal(after.json.version, partner.version);
});

test('lists: nothing through search, filters, sort or the trash', async () => {
  const views = Object.keys(records).concat(['performance']);
  for (const path of views) {
    for (const query of [`q=${encodeURIComponent(marker)}`, `q=${encodeURIComponent(marker)}&sort=-createdAt`,
      `partnerId=${partner.id}`, `q=${encodeURIComponent(marker)}&deleted=true`]) {
      const mine = await alice.get(`/${path}?${query}`);
      const theirs = await bob.get(`/${path}?${query}`);
      if (mine.status === 400) {   // a filter this list does not have
        assert.equal(theirs.status, 400, `${path}?${query}`);
        continue;
      }
      assert.equal(theirs.status, 200, `${path}?${query}: ${theirs.text}`);
      assert.equal(theirs.json.total, 0, `${path}?${query}: bob sees ${theirs.text.slice(0, 200)}`);
      assert.equal(theirs.json.items.length, 0);
      if (!query.includes('deleted=true')) assert.ok(mine.json.total >= 1, `${path}?${query}: alice sees hers`);
    }
    // Unfiltered, every sort: none of alice's rows among bob's.
    const r = await bob.get(`/${path}?limit=200`);
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(marker), `${path}: bob's whole list`);
    assert.ok(r.json.items.every((item) => item.ownerUserId === undefined || item.ownerUserId === bob.user.id),
      `${path}: only bob's rows`);
  }
});

test('CSV export: only the own rows', async () => {
  for (const path of Object.keys(records).concat(['performance'])) {
    const theirs = await bob.get(`/${path}.csv`);
    assert.equal(theirs.status, 200, `${path}.csv: ${theirs.text}`);
    assert.ok(!theirs.text.includes(marker), `${path}.csv carries nothing of alice's`);
    const mine = await alice.get(`/${path}.csv`);
    assert.ok(mine.text.includes(marker), `${path}.csv: alice's own export has it`);
  }
});

test('boards, overview and performance count only the own records', async () => {
  for (const path of ['partners', 'campaigns']) {
    const theirs = await bob.get(`/boards/${path}`);
    assert.equal(theirs.status, 200);
    assert.ok(!theirs.text.includes(marker), `board ${path}`);
    const count = theirs.json.columns.reduce((n, c) => n + c.count, 0);
    const own = await bob.get(`/${path}?limit=1`);
    assert.equal(count, own.json.total, `board ${path}: bob's counts are bob's records`);
    assert.ok((await alice.get(`/boards/${path}`)).text.includes(marker), `board ${path}: alice's has it`);
  }
  const bobs = (await bob.get('/overview')).json;
  assert.equal(bobs.partners, 1, 'bob has one partner');
  assert.equal(bobs.activePartners, 0);
  assert.equal(bobs.introsMade, 0, 'alice\'s outbound referral is not bob\'s intro');
  assert.equal(bobs.revenueAttributed, 0);
  const alices = (await alice.get('/overview')).json;
  assert.equal(alices.partners, 1);
  assert.equal(alices.activePartners, 1);
  assert.equal(alices.introsMade, 1);
  assert.equal(Number(alices.revenueAttributed), 1200, 'campaign 700 + shared customer 500');
  const perf = await bob.get('/performance');
  assert.equal(perf.json.total, 1);
});

test('the oplog feed: none of the other member\'s changes', async () => {
  const ids = new Set(Object.values(records).map((r) => r.id));
  let since = 0, seen = 0;
  for (;;) {
    const r = await bob.get(`/oplog?since=${since}&limit=1000`);
    assert.equal(r.status, 200);
    for (const row of r.json.items) assert.ok(!ids.has(row.recordId) && row.partnerId !== partner.id, 'a row of alice\'s');
    seen += r.json.items.length;
    if (r.json.items.length < 1000) break;
    since = r.json.next;
  }
  assert.ok(seen >= 1, 'bob sees his own partner\'s row');
  const mine = await alice.get(`/partners/${partner.id}/history`);
  assert.ok(mine.json.items.length >= 1);
});

test('an admin sees both members\' records through the same routes', async () => {
  const r = await root.get(`/partners?q=${encodeURIComponent(marker)}`);
  assert.equal(r.json.total, 1);
  for (const [path, record] of all()) assert.equal((await root.get(`/${path}/${record.id}`)).status, 200, path);
});

test('the trash: an admin\'s lists every member\'s deleted records, a member\'s only their own', async () => {
  const tag = unique('Trashed');
  const deleted = {};   // collection -> { alice: id, bob: id }
  for (const [name, client] of [['alice', alice], ['bob', bob]]) {
    const parent = await newPartner(client, { company: `${tag} ${name}'s parent` });
    const made = { partners: await newPartner(client, { company: `${tag} ${name}'s` }) };
    for (const [path, body] of Object.entries(collections)) {
      const r = await client.post(`/${path}`, JSON.parse(JSON.stringify(body(parent.id)).replaceAll(marker, tag)));
      assert.equal(r.status, 201, `${path}: ${r.text}`);
      made[path] = r.json;
    }
    for (const [path, record] of Object.entries(made)) {
      assert.equal((await client.del(`/${path}/${record.id}`)).status, 204, `${name} deletes from ${path}`);
      (deleted[path] ??= {})[name] = record.id;
    }
  }
  const trash = async (client, path) => {
    const r = await client.get(`/${path}?q=${encodeURIComponent(tag)}&deleted=true&limit=500`);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.ok(r.json.items.every((item) => item.deletedAt), `${path}: only deleted records`);
    assert.equal(r.json.total, r.json.items.length, `${path}: the total counts the trash`);
    return r.json.items.map((item) => item.id).sort();
  };
  for (const [path, ids] of Object.entries(deleted)) {
    assert.deepEqual(await trash(root, path), [ids.alice, ids.bob].sort(), `${path}: the admin's trash has both members'`);
    assert.deepEqual(await trash(alice, path), [ids.alice], `${path}: alice's trash has only hers`);
    assert.deepEqual(await trash(bob, path), [ids.bob], `${path}: bob's trash has only his`);
  }
});
