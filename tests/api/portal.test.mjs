// The partner portal: a partner's owner invites a contact, who signs in as a
// user of the role partner and reaches only the portal's routes and shapes,
// of their own partner; registers leads (a lead another partner registered
// is a 409 that reveals nothing); answers intros once.  The owner sees each
// on the referral and in its history.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Client, admin, newMember, newPartner, assertError, unique } from './lib.mjs';

let root;
let owner;       // a member who owns the partners below
let partner;     // owner's partner, with a contact in the portal
let contact;     // that contact, signed in
let rival;       // another partner (of another member) with its own contact

const tokenOf = (invite) => new URL(invite.url, 'http://x').hash.split('token=')[1];

// A contact of partnerId invited by inviter, the link used: signed in.
async function portalUser(inviter, partnerId, name = 'Contact') {
  const email = `${unique('contact')}@partner.test`;
  const invite = await inviter.post(`/partners/${partnerId}/invites`, { email, name });
  assert.equal(invite.status, 201, invite.text);
  const c = new Client();
  const r = await c.post('/invites/accept', { token: tokenOf(invite.json), password: 'portal-password-1' });
  assert.equal(r.status, 200, r.text);
  c.csrf = r.json.csrfToken;
  c.user = r.json.user;
  c.email = email;
  return c;
}

before(async () => {
  root = await admin();
  owner = await newMember(root, 'portal-owner');
  partner = await newPartner(owner, { company: unique('Lumen'), type: 'referral', commissionRate: '12%', notes: 'internal notes', audienceOverlap: 5 });
  contact = await portalUser(owner, partner.id, 'Dana Contact');
  const other = await newMember(root, 'rival-owner');
  rival = { partner: await newPartner(other, { company: unique('Rival') }) };
  rival.contact = await portalUser(other, rival.partner.id, 'Rival Contact');
  rival.owner = other;
});

test('an owner invites a contact of their partner; the link is shown once; others cannot', async () => {
  const email = `${unique('pending')}@partner.test`;
  const made = await owner.post(`/partners/${partner.id}/invites`, { email, name: 'Pending Person' });
  assert.equal(made.status, 201, made.text);
  assert.deepEqual(Object.keys(made.json).sort(), ['email', 'expiresAt', 'id', 'url']);
  const listed = await owner.get(`/partners/${partner.id}/invites`);
  assert.ok(listed.json.items.some((i) => i.id === made.json.id && i.email === email && i.name === 'Pending Person'));
  assert.ok(!listed.text.includes(tokenOf(made.json)), 'pending invitations are listed without their links');
  assertError(await rival.owner.get(`/partners/${partner.id}/invites`), 404, 'not_found');
  assertError(await rival.owner.post(`/partners/${partner.id}/invites`, { email: 'x@y.test', name: 'X' }), 404, 'not_found');
  assertError(await owner.post(`/partners/${partner.id}/invites`, { email, name: 'Again' }), 409, 'conflict', ['email']);
  assertError(await owner.post(`/partners/${partner.id}/invites`, { email: 'nope', name: 'X' }), 422, 'validation', ['email']);
  assertError(await owner.post(`/partners/${partner.id}/invites`, { email: 'a@b.test', name: 'X', role: 'admin' }), 400, 'bad_request', ['role']);
  assertError(await rival.owner.del(`/invites/${made.json.id}`), 404, 'not_found');
  assert.equal((await owner.del(`/invites/${made.json.id}`)).status, 204, 'the partner\'s owner revokes it');
  assert.ok(!(await owner.get(`/partners/${partner.id}/invites`)).json.items.some((i) => i.id === made.json.id));
  assertError(await new Client().post('/invites/accept', { token: tokenOf(made.json), password: 'portal-password-1' }), 410, 'gone');

  assert.equal(contact.user.role, 'partner');
  assert.equal(contact.user.partnerId, partner.id);
  assertError(await root.patch(`/partners/${partner.id}`, { ownerUserId: contact.user.id }), 422, 'validation', ['ownerUserId'],
    'a partner\'s contact owns nothing');
  assertError(await root.post('/users', { email: `${unique('p')}@x.test`, name: 'P', role: 'partner', password: 'portal-password-1' }),
    422, 'validation', ['partnerId']);
});

test('the portal shows the contact their own partner in its own shapes, and nothing internal', async () => {
  await owner.post('/campaigns', { partnerId: partner.id, name: 'Joint webinar', type: 'webinar', notes: 'campaign secret', budget: 900 });
  await owner.post('/shared-customers', { partnerId: partner.id, customer: 'Shared Co', notes: 'customer secret' });
  await rival.owner.post('/campaigns', { partnerId: rival.partner.id, name: 'Rival campaign', type: 'webinar' });
  const home = (await contact.get('/portal')).json;
  assert.deepEqual(home.partner, { id: partner.id, company: partner.company, type: 'referral', status: partner.status,
    tier: partner.tier, agreementUrl: null, commissionRate: '12%' });
  assert.deepEqual(home.manager, { name: 'portal-owner', email: owner.email });
  assert.deepEqual(Object.keys(home.figures).sort(), ['commissionPaid', 'conversions', 'pendingIntros', 'referralsMade', 'referralsReceived', 'revenueAttributed']);
  const campaigns = (await contact.get('/portal/campaigns')).json.items;
  assert.deepEqual(campaigns.map((c) => c.name), ['Joint webinar']);
  assert.deepEqual(Object.keys(campaigns[0]).sort(), ['deliverables', 'endDate', 'id', 'name', 'startDate', 'status', 'type']);
  const customers = (await contact.get('/portal/shared-customers')).json.items;
  assert.deepEqual(customers.map((c) => Object.keys(c).sort()), [['customer', 'health', 'id']]);
  for (const path of ['/portal', '/portal/referrals', '/portal/campaigns', '/portal/shared-customers']) {
    const text = (await contact.get(path)).text;
    assert.ok(!/secret|internal notes|audienceOverlap|score/i.test(text), `${path} shows nothing internal`);
    assert.ok(!text.includes(rival.partner.company) && !text.includes('Rival campaign'), `${path} shows no other partner`);
  }
  assertError(await contact.get('/portal/referrals?sort=notes'), 400, 'bad_request', ['sort']);
  assertError(await contact.get('/portal/referrals?owner=me'), 400, 'bad_request', ['owner']);
  assertError(await contact.get('/portal/referrals?limit=0'), 400, 'bad_request', ['limit']);
  const won = await contact.get('/portal/referrals?status=won&direction=sideways');
  assertError(won, 400, 'bad_request', ['status', 'direction']);
  assert.equal(won.json.error.fields.status, 'must be one of introduced, qualified, converted, lost', 'the labels, from the database');
});

test('a partner user reaches the portal, their session and password only; no one else reaches the portal', async () => {
  const doc = await (await fetch(`${BASE}/openapi.json`)).json();
  const allowed = new Set(['GET /me', 'DELETE /session', 'POST /me/password']);
  let swept = 0;
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      const name = `${method.toUpperCase()} ${template}`;
      const path = template.replace('{id}', partner.id);
      const op = item[method];
      if (op.security?.length === 0) continue;   // public
      const portal = template.startsWith('/portal');
      const body = op.requestBody ? (op.requestBody.content['application/json'] ? {} : undefined) : undefined;
      const raw = op.requestBody?.content['text/csv'] ? 'company\nX\n' : undefined;
      const headers = raw ? { 'content-type': 'text/csv' } : {};
      if (!portal && !allowed.has(name)) {
        const r = await contact.req(method.toUpperCase(), path, { body, raw, headers });
        assertError(r, 403, 'forbidden', [], `${name} as a partner user`);
        swept++;
      }
      if (portal) {
        for (const who of [owner, root]) {
          const r = await who.req(method.toUpperCase(), path, { body });
          assertError(r, 403, 'forbidden', [], `${name} as ${who.user.role}`);
          swept++;
        }
      }
    }
  }
  assert.ok(swept > 60, `swept ${swept} route and user pairs`);
  assert.equal((await contact.get('/me')).json.user.id, contact.user.id);
  assert.equal((await contact.post('/me/password', { currentPassword: 'portal-password-1', newPassword: 'portal-password-2' })).status, 204);
  assert.equal((await contact.post('/me/password', { currentPassword: 'portal-password-2', newPassword: 'portal-password-1' })).status, 204);
  const directory = await owner.get('/users');
  assert.ok(directory.json.items.some((u) => u.id === contact.user.id && u.role === 'partner'), 'internal users see who the contacts are');
});

test('a registered lead becomes an inbound referral of the partner, the contact named in its history', async () => {
  const before = (await contact.get('/portal')).json.figures;
  const r = await contact.post('/portal/referrals', { leadName: 'Grace Hopper', leadCompany: unique('Navy Labs'),
    leadEmail: `${unique('grace')}@lead.test`, dealValue: 12000.5, message: 'Ready to buy this quarter.' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.direction, 'inbound');
  assert.equal(r.json.status, 'introduced');
  assert.equal(r.json.dealValue, 12000.5);
  const after = (await contact.get('/portal')).json.figures;
  assert.equal(after.referralsMade, before.referralsMade + 1, 'the partner\'s figures count it');
  const inside = (await owner.get(`/referrals/${r.json.id}`)).json;
  assert.equal(inside.partnerId, partner.id);
  assert.equal(inside.partnerMessage, 'Ready to buy this quarter.');
  assert.equal(inside.duplicateLead, false);
  const history = (await owner.get(`/referrals/${r.json.id}/history`)).json.items;
  assert.equal(history[0].actor.id, contact.user.id, 'the oplog names the contact who registered it');
  assertError(await owner.patch(`/referrals/${r.json.id}`, { partnerMessage: 'changed' }, { headers: { 'if-match': `"${inside.version}"` } }),
    400, 'bad_request', ['partnerMessage'], 'what the partner wrote is read-only inside');

  assertError(await contact.post('/portal/referrals', { leadCompany: 'No Name' }), 422, 'validation', ['leadName']);
  const three = await contact.post('/portal/referrals', { leadName: 'x'.repeat(300), leadEmail: 'not-an-email', dealValue: -5 });
  assertError(three, 422, 'validation', ['leadName', 'dealValue']);
  assertError(await contact.post('/portal/referrals', { leadName: 'X', status: 'converted' }), 400, 'bad_request', ['status']);
  assertError(await contact.post('/portal/referrals', { leadName: 'X', partnerId: rival.partner.id }), 400, 'bad_request', ['partnerId']);
  assertError(await contact.post('/portal/referrals', { leadName: 7 }), 400, 'bad_request', ['leadName'], 'a wrong type is a 400, as for every other route');
  assertError(await contact.post('/portal/referrals', { leadName: 'X', dealValue: '5' }), 400, 'bad_request', ['dealValue']);
  assertError(await contact.post('/portal/referrals', { leadName: 'X', dealValue: 1.005 }), 422, 'validation', ['dealValue']);
  assertError(await contact.post('/portal/referrals', { leadName: 'X', leadEmail: 'bad' }), 422, 'validation', ['leadEmail']);
});

test('a lead another partner registered is a 409 that reveals nothing; internal users see duplicateLead', async () => {
  const company = unique('Contested Inc');
  const email = `${unique('lead')}@contested.test`;
  assert.equal((await rival.contact.post('/portal/referrals', { leadName: 'First', leadCompany: company, leadEmail: email })).status, 201);
  const count = async () => (await owner.get(`/referrals?partnerId=${partner.id}&limit=1`)).json.total;
  const before = await count();
  const unrelated = await contact.post('/portal/referrals', { leadName: 'Bad', leadEmail: 'not-an-email' });
  const byEmail = await contact.post('/portal/referrals', { leadName: 'Second', leadEmail: email.toUpperCase() });
  const byCompany = await contact.post('/portal/referrals', { leadName: 'Third', leadCompany: `  ${company.toLowerCase()} ` });
  for (const r of [byEmail, byCompany]) {
    assertError(r, 409, 'conflict');
    assert.ok(!r.text.includes(rival.partner.company) && !r.text.includes('First') && !/rival/i.test(r.text), 'names no one');
    assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message']);
  }
  assert.equal(byEmail.text, byCompany.text, 'one answer however it matched');
  assert.equal(unrelated.status, 422);
  assert.equal(await count(), before, 'nothing was stored');
  assert.equal((await contact.get('/portal')).json.figures.referralsMade, (await owner.get(`/partners/${partner.id}`)).json.referralsMade);
  const mine = await owner.post('/referrals', { partnerId: partner.id, direction: 'inbound', leadName: 'Typed in', leadEmail: email });
  assert.equal(mine.status, 201, 'an internal user is not refused');
  assert.equal(mine.json.duplicateLead, true, 'but told');
  const fresh = await owner.post('/referrals', { partnerId: partner.id, direction: 'inbound', leadName: 'New', leadEmail: `${unique('n')}@x.test` });
  assert.equal(fresh.json.duplicateLead, false);

  // Two partners registering one new lead at once: exactly one gets it.
  const race = `${unique('race')}@lead.test`;
  const answers = await Promise.all([contact, rival.contact].map((c) => c.post('/portal/referrals', { leadName: 'Raced', leadEmail: race })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [201, 409]);
});

test('an outbound intro waits in the portal; the partner answers it once; the owner sees the answer', async () => {
  const intro = (await owner.post('/referrals', { partnerId: partner.id, direction: 'outbound', leadName: 'Lead For You', notes: 'not for them' })).json;
  const inbound = (await owner.post('/referrals', { partnerId: partner.id, direction: 'inbound', leadName: 'From them' })).json;
  const theirs = (await rival.owner.post('/referrals', { partnerId: rival.partner.id, direction: 'outbound', leadName: 'Rival lead' })).json;
  const pending = (await contact.get('/portal')).json.figures.pendingIntros;
  assert.ok(pending >= 1);
  const listed = (await contact.get('/portal/referrals?direction=outbound')).json.items;
  assert.ok(listed.some((r) => r.id === intro.id && r.partnerOptIn === false && r.partnerAnsweredAt === null));
  assertError(await contact.post(`/portal/intros/${inbound.id}`, { accept: true }), 404, 'not_found');
  assertError(await contact.post(`/portal/intros/${theirs.id}`, { accept: true }), 404, 'not_found');
  assertError(await contact.post(`/portal/intros/${intro.id}`, { accept: 'yes' }), 400, 'bad_request', ['accept']);
  assertError(await contact.post(`/portal/intros/${intro.id}`, { accept: true, note: 'x' }), 400, 'bad_request', ['note']);
  const answered = await contact.post(`/portal/intros/${intro.id}`, { accept: true });
  assert.equal(answered.status, 200, answered.text);
  assert.equal(answered.json.partnerOptIn, true);
  assert.ok(answered.json.partnerAnsweredAt);
  assertError(await contact.post(`/portal/intros/${intro.id}`, { accept: false }), 409, 'conflict');
  assert.equal((await contact.get('/portal')).json.figures.pendingIntros, pending - 1);
  const inside = (await owner.get(`/referrals/${intro.id}`)).json;
  assert.equal(inside.partnerOptIn, true);
  assert.equal(inside.partnerAnsweredAt, answered.json.partnerAnsweredAt);
  const history = (await owner.get(`/referrals/${intro.id}/history`)).json.items;
  const change = history.find((h) => h.op === 'update' && h.changes.partnerOptIn);
  assert.equal(change.actor.id, contact.user.id);
  assert.deepEqual(change.changes.partnerOptIn, [false, true]);
});

test('a deleted partner shows its contact nothing; its owner disables the contact (and only that)', async () => {
  const p = await newPartner(owner, { company: unique('Short Lived') });
  const c = await portalUser(owner, p.id);
  assert.equal((await c.get('/portal')).status, 200);
  assert.equal((await owner.del(`/partners/${p.id}`)).status, 204);
  assertError(await c.get('/portal'), 404, 'not_found');
  assertError(await c.post('/portal/referrals', { leadName: 'Nope' }), 403, 'forbidden');
  assert.equal((await owner.post(`/partners/${p.id}/restore`)).status, 200);
  assertError(await owner.patch(`/users/${c.user.id}`, { name: 'Renamed' }), 403, 'forbidden', [], 'an owner only disables or enables');
  assertError(await rival.owner.patch(`/users/${c.user.id}`, { disabled: true }), 404, 'not_found', [], 'another partner\'s contact');
  assertError(await owner.patch(`/users/${rival.owner.user.id}`, { disabled: true }), 404, 'not_found', [], 'a colleague');
  assert.equal((await owner.patch(`/users/${c.user.id}`, { disabled: true })).status, 200, 'the partner\'s owner disables its contact');
  assertError(await c.get('/me'), 401, 'unauthenticated');
  assert.equal((await owner.patch(`/users/${c.user.id}`, { disabled: false })).status, 200, 'and enables them again');
});

test('a lead refused as registered takes as long as a lead refused for a bad email', async (t) => {
  const taken = `${unique('taken')}@lead.test`;
  assert.equal((await rival.contact.post('/portal/referrals', { leadName: 'Taken', leadEmail: taken })).status, 201);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (body) => {
    const started = process.hrtime.bigint();
    const r = await contact.post('/portal/referrals', body);
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: r.status };
  };
  const registered = [];
  const invalid = [];
  for (let i = 0; i < 16; i++) {
    const a = await timed({ leadName: 'Again', leadEmail: taken });
    const b = await timed({ leadName: 'Bad', leadEmail: `not an email ${i}` });
    assert.deepEqual([a.status, b.status], [409, 422]);
    registered.push(a.ms);
    invalid.push(b.ms);
  }
  const [r, v] = [median(registered), median(invalid)];
  t.diagnostic(`measured: median refusal ${r.toFixed(2)} ms for a registered lead, ${v.toFixed(2)} ms for a bad email (16 each)`);
  assert.ok(Math.abs(r - v) < Math.max(3, 0.5 * Math.max(r, v)), `as long either way: ${r.toFixed(2)} vs ${v.toFixed(2)} ms`);
});

test('the oplog feed of partners\' contacts: their rows only, of the reader\'s partners only, paged', async () => {
  // Where the admin's feed ends now (the owner's may end before another member's contact's rows).
  let start = { next: 0 };
  do start = (await root.get(`/oplog?since=${start.next}&limit=1000`)).json; while (start.items.length === 1000);
  const lead = (name) => ({ leadName: name, leadCompany: unique('Feed Co'), leadEmail: `${unique('feed')}@lead.test` });
  const mine = [];
  for (const name of ['Feed One', 'Feed Two']) {
    const r = await contact.post('/portal/referrals', lead(name));
    assert.equal(r.status, 201, r.text);
    mine.push(r.json.id);
  }
  const rivals = await rival.contact.post('/portal/referrals', lead('Rival Feed'));
  assert.equal(rivals.status, 201, rivals.text);
  await owner.post('/referrals', { partnerId: partner.id, direction: 'inbound', leadName: 'Logged inside' });

  const feed = (await owner.get(`/oplog?actorRole=partner&since=${start.next}&limit=1000`)).json;
  assert.deepEqual(feed.items.map((row) => row.recordId), mine, 'the contact\'s two leads, not the owner\'s own row nor the rival\'s');
  assert.ok(feed.items.every((row) => row.actor.id === contact.user.id && row.partnerId === partner.id));
  assert.equal(feed.next, feed.items.at(-1).seq);
  const page = (await owner.get(`/oplog?actorRole=partner&since=${start.next}&limit=1`)).json;
  assert.deepEqual(page.items.map((row) => row.recordId), [mine[0]]);
  const rest = (await owner.get(`/oplog?actorRole=partner&since=${page.next}&limit=1000`)).json;
  assert.deepEqual(rest.items.map((row) => row.recordId), [mine[1]]);
  const members = (await owner.get(`/oplog?actorRole=member&since=${start.next}&limit=1000`)).json;
  assert.ok(members.items.length >= 1 && members.items.every((row) => row.actor.id === owner.user.id), 'the owner\'s own rows');
  // (Other files' contacts may act meanwhile: the admin's feed is checked for these.)
  const everyone = (await root.get(`/oplog?actorRole=partner&since=${start.next}&limit=1000`)).json;
  const ours = [contact.user.id, rival.contact.user.id];
  assert.deepEqual(everyone.items.filter((row) => ours.includes(row.actor.id)).map((row) => row.recordId),
    [...mine, rivals.json.id], 'an admin sees both contacts\' leads');
  const roles = new Map((await root.get('/users')).json.items.map((u) => [u.id, u.role]));
  assert.ok(everyone.items.every((row) => roles.get(row.actor.id) === 'partner'), 'and no one else\'s rows');

  assertError(await owner.get('/oplog?actorRole=robot'), 400, 'bad_request', ['actorRole']);
  assertError(await owner.get('/oplog?actorRole='), 400, 'bad_request', ['actorRole']);
  assertError(await owner.get('/oplog?actorRole=partner&entity=referrals'), 400, 'bad_request', ['entity']);
  assertError(await contact.get('/oplog?actorRole=partner'), 403, 'forbidden', [], 'a contact reaches the portal only');
});
