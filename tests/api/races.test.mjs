// Races between a partner's writes (reassignment, delete, restore) and the
// records attached to it, through the API, repeated until a wrong
// interleaving would show (a few seconds each): an attached record belongs to
// its partner's current owner, is live exactly when its partner is, and the
// partner's figures equal what its records add up to.  And the oplog: a
// record's history goes where the record goes (a detached idea stays its
// owner's; a campaign moved to another partner goes with it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, newPartner, unique } from './lib.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Eight writers of one member (one session: a sign-in costs a password hash;
// the requests of eight loops are in flight at once all the same).
const writersOf = (member) => Array.from({ length: 8 }, () => member);

// Runs write(client, i) in a loop on every client until moves() is done;
// returns the 201 answers' records (with the answer's kind, if it has one).
async function writeDuring(clients, write, moves) {
  let stop = false;
  const made = [];
  const loops = clients.map(async (c, w) => {
    for (let i = 0; !stop; i++) {
      const r = await write(c, i, w);
      if (r.status === 201) made.push({ ...r.json, kind: r.kind });
      else assert.ok([409, 422].includes(r.status), `a create during the race: ${r.status} ${r.text}`);
    }
  });
  try {
    await moves();
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  return made;
}

const total = async (c, path) => {
  const r = await c.get(`${path}${path.includes('?') ? '&' : '?'}limit=1`);
  assert.equal(r.status, 200, r.text);
  return r.json.total;
};

test('reassigning a partner while its member adds referrals: every referral follows the partner, the figures add up', async () => {
  const root = await admin();
  const a = await newMember(root, 'race-a');
  const b = await newMember(root, 'race-b');
  const p = await newPartner(a, { company: unique('Race Move') });
  const clients = writersOf(a);
  const made = await writeDuring(clients,
    (c, i) => c.post('/referrals', { partnerId: p.id, direction: 'inbound', status: 'converted', leadName: `lead ${i}`, dealValue: 7 }),
    async () => {
      await sleep(100);
      // A to B and back, 13 moves, ending with B.
      for (let move = 1; move <= 13; move++) {
        const to = move % 2 === 1 ? b : a;
        const r = await root.patch(`/partners/${p.id}`, { ownerUserId: to.user.id });
        assert.equal(r.status, 200, r.text);
        await sleep(40);
      }
    });
  assert.ok(made.length > 20, `the members got referrals in: ${made.length}`);

  const path = `/referrals?partnerId=${p.id}`;
  assert.equal(await total(root, path), made.length, 'every 201 is a live referral of the partner');
  assert.equal(await total(b, path), made.length, 'the partner\'s owner sees every one of its referrals');
  assert.equal(await total(a, path), 0, 'the former owner sees none of them');
  for (const r of made.slice(-5)) {
    assert.equal((await a.get(`/referrals/${r.id}`)).status, 404, 'not readable by the former owner');
    assert.equal((await b.get(`/referrals/${r.id}`)).status, 200, 'readable by the owner');
  }
  const partner = (await root.get(`/partners/${p.id}`)).json;
  assert.equal(partner.referralsMade, made.length, 'referralsMade counts every referral');
  assert.equal(Number(partner.revenueAttributed), 7 * made.length, 'revenueAttributed sums every deal');
});

test('deleting and restoring a partner while records are added: each is live exactly when its partner is', async () => {
  const root = await admin();
  const a = await newMember(root, 'race-trash');
  const p = await newPartner(a, { company: unique('Race Trash') });
  const clients = writersOf(a);
  const kinds = [
    ['campaigns', (i) => ({ partnerId: p.id, name: `campaign ${i}`, type: 'webinar', revenue: 3 })],
    ['shared-customers', (i) => ({ partnerId: p.id, customer: `customer ${i}`, jointRevenue: 5 })],
    ['integrations', (i) => ({ partnerId: p.id, name: `sync ${i}` })],
    ['referrals', (i) => ({ partnerId: p.id, direction: 'inbound', status: 'converted', leadName: `lead ${i}`, dealValue: 11 })],
  ];
  const made = await writeDuring(clients,
    (c, i, w) => {
      const [path, body] = kinds[(i + w) % kinds.length];
      return c.post(`/${path}`, body(i)).then((r) => ({ ...r, kind: path }));
    },
    async () => {
      await sleep(100);
      // Delete, restore, ... seven times, ending in the trash.
      for (let move = 1; move <= 7; move++) {
        const r = move % 2 === 1 ? await a.del(`/partners/${p.id}`) : await a.post(`/partners/${p.id}/restore`);
        assert.equal(r.status, move % 2 === 1 ? 204 : 200, r.text);
        await sleep(60);
      }
    });
  assert.ok(made.length > 20, `records got in: ${made.length}`);

  for (const [path] of kinds) {
    assert.equal(await total(root, `/${path}?partnerId=${p.id}`), 0, `${path}: none live under the partner in the trash`);
  }
  assert.equal((await a.post(`/partners/${p.id}/restore`)).status, 200);
  const count = (kind) => made.filter((r) => r.kind === kind).length;
  for (const [path] of kinds) {
    assert.equal(await total(a, `/${path}?partnerId=${p.id}`), count(path), `${path}: every one is back with its partner`);
  }
  const partner = (await root.get(`/partners/${p.id}`)).json;
  assert.equal(partner.referralsMade, count('referrals'), 'referralsMade counts the live referrals');
  assert.equal(partner.sharedCustomers, count('shared-customers'), 'sharedCustomers counts the live shared customers');
  assert.equal(Number(partner.revenueAttributed), 11 * count('referrals') + 3 * count('campaigns') + 5 * count('shared-customers'),
    'revenueAttributed sums the live records');
});

test('a record\'s history goes with the record: a detached idea\'s stays its owner\'s, a moved campaign\'s its new owner\'s', async () => {
  const root = await admin();
  const a = await newMember(root, 'oplog-a');
  const b = await newMember(root, 'oplog-b');
  const pa = await newPartner(a, { company: unique('Oplog A') });
  const since = (await root.get(`/partners/${pa.id}/history`)).json.items[0].seq - 1;
  const secret = unique('secret');
  const idea = await a.post('/integration-ideas', { partnerId: pa.id, description: `${secret} idea`, notes: `${secret} notes` });
  assert.equal(idea.status, 201, idea.text);
  assert.equal((await a.patch(`/integration-ideas/${idea.json.id}`, { partnerId: null })).status, 200);
  const campaign = await a.post('/campaigns', { partnerId: pa.id, name: `${secret} campaign`, type: 'webinar' });
  assert.equal(campaign.status, 201, campaign.text);
  const pb = await newPartner(b, { company: unique('Oplog B') });
  const moved = await root.patch(`/campaigns/${campaign.json.id}`, { partnerId: pb.id });
  assert.equal(moved.status, 200, moved.text);
  assert.equal((await root.patch(`/partners/${pa.id}`, { ownerUserId: b.user.id })).status, 200);

  const feed = async (c) => {
    const items = [];
    for (let from = since; ;) {
      const page = await c.get(`/oplog?since=${from}&limit=1000`);
      assert.equal(page.status, 200, page.text);
      items.push(...page.json.items);
      if (page.json.items.length < 1000) return items;
      from = page.json.next;
    }
  };
  const bFeed = await feed(b);
  assert.ok(bFeed.some((row) => row.recordId === pa.id), 'B reads the partner it now owns');
  assert.deepEqual(bFeed.filter((row) => row.recordId === idea.json.id), [], 'B reads nothing of A\'s detached idea');
  assert.ok(!JSON.stringify(bFeed).includes(`${secret} idea`), 'nor its description');
  assert.deepEqual(bFeed.filter((row) => row.recordId === campaign.json.id).map((row) => row.op), ['insert', 'update'],
    'B reads all of the campaign moved to its partner');
  const aFeed = await feed(a);
  assert.deepEqual(aFeed.filter((row) => row.recordId === idea.json.id).map((row) => row.op), ['insert', 'update'],
    'A reads all of its idea');
  assert.deepEqual(aFeed.filter((row) => row.recordId === campaign.json.id), [], 'A reads nothing of the moved campaign');

  const history = await a.get(`/integration-ideas/${idea.json.id}/history`);
  assert.equal(history.status, 200, history.text);
  assert.deepEqual(history.json.items.map((h) => h.op), ['insert', 'update'], 'A\'s history of the idea is whole');
  assert.equal((await b.get(`/integration-ideas/${idea.json.id}/history`)).status, 404);
  const campaignHistory = await b.get(`/campaigns/${campaign.json.id}/history`);
  assert.deepEqual(campaignHistory.json.items.map((h) => h.op), ['insert', 'update'], 'B\'s history of the campaign is whole');
});
