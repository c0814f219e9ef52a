// Attacks on the session and on error answers: a session id chosen by an
// attacker never becomes a session (fixation), a signed-in user's old
// cookie does not survive sign-out or a new sign-in, and no error answer,
// whatever was sent, carries SQL, a file path, a stack trace or a server
// message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, newMember, newPartner, Client, BASE, MEMBER_PASSWORD } from './lib.mjs';

test('session fixation: a cookie chosen before sign-in is replaced, and never signs anyone in', async () => {
  const m = await newMember(await admin(), 'fixation');
  const planted = 'A'.repeat(43);
  const victim = new Client();
  victim.cookie = planted;                 // set by the attacker, e.g. through a sibling site
  const r = await victim.login(m.email, MEMBER_PASSWORD);
  assert.equal(r.status, 200, r.text);
  assert.ok(victim.cookie && victim.cookie !== planted, 'sign-in sets a new session id');
  const attacker = new Client();
  attacker.cookie = planted;
  assert.equal((await attacker.get('/me')).status, 401, 'the planted id is no session');

  // A new sign-in in the same browser replaces the old session id too.
  const before = victim.cookie;
  assert.equal((await victim.login(m.email, MEMBER_PASSWORD)).status, 200);
  assert.notEqual(victim.cookie, before, 'each sign-in gets its own id');
  const old = new Client();
  old.cookie = before;
  assert.equal((await old.get('/me')).status, 200, 'the other session stays (another tab or device)');
  const current = victim.cookie;
  assert.equal((await victim.del('/session')).status, 204);
  const ended = new Client();
  ended.cookie = current;
  assert.equal((await ended.get('/me')).status, 401, 'signed out: the id is dead on the server, not only in the browser');
});

test('no error answer carries SQL, a path, a stack trace or a server message', async () => {
  const m = await newMember(await admin(), 'internals');
  const p = await newPartner(m);
  const huge = 'x'.repeat(100000);
  const attempts = [
    ['GET', `/partners?sort=${encodeURIComponent("company;drop table partners--")}`],
    ['GET', `/partners?status=${encodeURIComponent("active' or '1'='1")}`],
    ['GET', '/partners?limit=-1'],
    ['GET', '/partners?offset=99999999999999999999'],
    ['GET', `/partners?partnerId=${encodeURIComponent("\\x00")}`],
    ['GET', `/partners/${encodeURIComponent("1' or 1=1 --")}`],
    ['GET', '/partners?nextReviewBefore=2026-13-45'],
    ['GET', '/oplog?since=abc'],
    ['GET', '/../../etc/passwd'],
    ['POST', '/partners', '{"company": '],
    ['POST', '/partners', JSON.stringify({ company: 'x', contactName: 'y', contactEmail: 'z@z.example', type: 'nope' })],
    ['POST', '/partners', JSON.stringify({ company: huge, contactName: 'y', contactEmail: 'z@z.example', type: 'referral' })],
    ['POST', '/partners', JSON.stringify({ company: 'x\u0000y', contactName: 'y', contactEmail: 'z@z.example', type: 'referral' })],
    ['POST', '/referrals', JSON.stringify({ partnerId: p.id, direction: 'inbound', leadName: 'L', dealValue: 1e300 })],
    ['POST', '/referrals', JSON.stringify({ partnerId: p.id, direction: 'inbound', leadName: 'L', referredDate: '2026-02-30' })],
    ['POST', '/referrals', JSON.stringify({ partnerId: 'nope', direction: 'inbound', leadName: 'L' })],
    ['POST', '/campaigns', JSON.stringify({ partnerId: p.id, name: 'n', type: 'webinar', budget: 'NaN' })],
    ['POST', '/campaigns', JSON.stringify({ partnerId: p.id, name: 'n', type: 'webinar', budget: -1 })],
    ['PATCH', `/partners/${p.id}`, JSON.stringify({ nextReview: '99999-01-01' })],
    ['POST', '/partners/import', 'company,type\n"unterminated'],
  ];
  // A search is a search: it finds nothing, and shows nothing else.
  const search = await m.get(`/partners?q=${encodeURIComponent("%' union select password_hash from users --")}`);
  assert.equal(search.status, 200);
  assert.deepEqual(search.json.items, []);
  for (const [method, path, raw] of attempts) {
    const r = await m.req(method, path, raw === undefined ? {} : { raw, headers: { 'content-type': path.endsWith('/import') ? 'text/csv' : 'application/json' } });
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${path.slice(0, 60)}: a client error (${r.status})`);
    assert.doesNotMatch(r.text, /select |insert |update public|public\.|pg_|ERROR:|DETAIL|CONTEXT|SQLSTATE|syntax error|\/work\/|\/usr\/|\.c:\d|at .*\(|Traceback|nginx\/\d/i,
      `${method} ${path.slice(0, 60)} → ${r.status}: no internals in ${r.text.slice(0, 300)}`);
    assert.equal(r.headers.get('server')?.match(/\d/), null, 'no server version');
  }
  assert.equal((await m.get(`/partners/${p.id}`)).json.version, p.version, 'and nothing changed');
  assert.equal((await fetch(`${BASE}/health`)).status, 200);
});

test('the portal: no hostile request as a partner\'s contact gets a server error, internals, or anything changed', async () => {
  const m = await newMember(await admin(), 'portal-attacked');
  const p = await newPartner(m);
  const intro = (await m.post('/referrals', { partnerId: p.id, direction: 'outbound', leadName: 'Intro' })).json;
  const invite = (await m.post(`/partners/${p.id}/invites`, { email: `hostile-${Date.now()}@attack.example`, name: 'Hostile' })).json;
  const contact = new Client();
  const accepted = await contact.post('/invites/accept', { token: invite.url.split('token=')[1], password: 'contact-password-1' });
  assert.equal(accepted.status, 200, accepted.text);
  contact.csrf = accepted.json.csrfToken;
  const before = (await contact.get('/portal')).json;
  const huge = 'x'.repeat(100000);
  const attempts = [
    ['GET', `/portal/referrals?sort=${encodeURIComponent('lead_name;drop table referrals--')}`],
    ['GET', `/portal/referrals?direction=${encodeURIComponent("inbound' or '1'='1")}`],
    ['GET', '/portal/referrals?limit=99999999999999999999'],
    ['GET', `/portal/referrals?partnerId=${p.id}`],
    ['GET', '/portal/referrals?offset=-1'],
    ['POST', '/portal/referrals', '{"leadName": '],
    ['POST', '/portal/referrals', JSON.stringify({ leadName: huge })],
    ['POST', '/portal/referrals', JSON.stringify({ leadName: 'x\u0000y' })],
    ['POST', '/portal/referrals', JSON.stringify({ leadName: 'L', dealValue: 1e300 })],
    ['POST', '/portal/referrals', JSON.stringify({ leadName: 'L', dealValue: 'NaN' })],
    ['POST', '/portal/referrals', JSON.stringify({ leadName: 'L', direction: 'outbound' })],
    ['POST', '/portal/referrals', JSON.stringify([{ leadName: 'L' }])],
    ['POST', `/portal/intros/${encodeURIComponent("1' or 1=1 --")}`, JSON.stringify({ accept: true })],
    ['POST', `/portal/intros/${intro.id}`, JSON.stringify({ accept: 1 })],
    ['POST', `/portal/intros/${intro.id}`, '{"accept": tru'],
    ['PATCH', `/referrals/${intro.id}`, JSON.stringify({ partnerOptIn: true })],
    ['GET', `/partners/${p.id}`],
    ['GET', '/oplog?since=0'],
  ];
  for (const [method, path, raw] of attempts) {
    const r = await contact.req(method, path, raw === undefined ? {} : { raw, headers: { 'content-type': 'application/json' } });
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${path.slice(0, 60)}: a client error (${r.status})`);
    assert.doesNotMatch(r.text, /select |insert |update public|public\.|pg_|ERROR:|DETAIL|CONTEXT|SQLSTATE|syntax error|\/work\/|\/usr\/|\.c:\d|at .*\(|Traceback|nginx\/\d/i,
      `${method} ${path.slice(0, 60)} → ${r.status}: no internals in ${r.text.slice(0, 300)}`);
  }
  assert.deepEqual((await contact.get('/portal')).json, before, 'nothing changed');
  assert.equal((await m.get(`/referrals/${intro.id}`)).json.partnerOptIn, false);
});
