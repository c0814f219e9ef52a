// Sign-in, sessions, CSRF, API tokens, passwords, health and the error
// contract (fcgi/README.md "Errors"), over HTTP through nginx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  BASE, ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_PASSWORD, Client, admin, newMember, signIn, assertError, partnerBody,
} from './lib.mjs';
import { assertAnswer } from './contract.mjs';

// A sign-in sent from another loopback address (nginx listens on
// 127.0.0.1; Linux routes all of 127/8 to the loopback), as another
// client on the network would: {status, json, headers}.
function signInFrom(localAddress, email, password) {
  const url = new URL(`${BASE}/session`);
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', async () => {
        try {
          await assertAnswer(BASE, 'POST', '/session', res.statusCode, res.headers['content-type'], text);
          resolve({ status: res.statusCode, json: JSON.parse(text), headers: res.headers });
        } catch (e) { reject(e); }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('health answers without credentials', async () => {
  const r = await new Client().get('/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok', database: 'ok' });
  assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
  assert.ok(r.headers.get('x-request-id'));
});

test('sign-in sets a hardened session cookie and returns the user and a CSRF token', async () => {
  const c = new Client();
  const r = await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  assert.equal(r.status, 200);
  assert.equal(r.json.user.email, ADMIN_EMAIL);
  assert.equal(r.json.user.role, 'admin');
  assert.equal(typeof r.json.csrfToken, 'string');
  assert.ok(!('passwordHash' in r.json.user) && !r.text.includes('argon2'), 'no hash in the answer');
  assert.match(r.setCookie, /HttpOnly/);
  assert.match(r.setCookie, /SameSite=Strict/);
  assert.match(r.setCookie, /Path=\//);
  assert.ok(c.cookie.length >= 43, 'at least 256 bits of token');
  const me = await c.get('/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.email, ADMIN_EMAIL);
  assert.equal(me.json.csrfToken, r.json.csrfToken);
});

test('a wrong password and an unknown email get the same 401', async () => {
  const wrong = await new Client().post('/session', { email: ADMIN_EMAIL, password: 'not-the-password' });
  const unknown = await new Client().post('/session', { email: 'nobody@nowhere.test', password: 'whatever-it-is' });
  assertError(wrong, 401, 'unauthenticated');
  assertError(unknown, 401, 'unauthenticated');
  assert.equal(wrong.json.error.message, unknown.json.error.message);
});

test('sign-in rejects malformed bodies before checking anything', async () => {
  const c = new Client();
  assertError(await c.req('POST', '/session', { raw: '{"email":', headers: { 'content-type': 'application/json' } }),
    400, 'bad_request');
  assertError(await c.req('POST', '/session', { raw: '[1,2]', headers: { 'content-type': 'application/json' } }),
    400, 'bad_request');
  assertError(await c.req('POST', '/session', { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    415, 'unsupported_media_type');
  assertError(await c.post('/session', { email: ADMIN_EMAIL }), 422, 'validation', ['password']);
  assertError(await c.post('/session', { email: ADMIN_EMAIL, password: 5 }), 400, 'bad_request', ['password']);
  assertError(await c.post('/session', { email: ADMIN_EMAIL, password: 'x', remember: true }), 400, 'bad_request',
    ['remember']);
});

test('failed sign-ins are limited per account and address (429), and the right password does not skip the limit', async () => {
  const a = await admin();
  const m = await newMember(a, 'throttled');
  for (let i = 0; i < 5; i++) {
    assertError(await new Client().post('/session', { email: m.email, password: `wrong-${i}-password` }), 401,
      'unauthenticated');
  }
  const limited = await new Client().post('/session', { email: m.email, password: MEMBER_PASSWORD });
  assertError(limited, 429, 'rate_limited');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  const other = await newMember(a, 'unthrottled');
  assert.equal((await new Client().post('/session', { email: other.email, password: MEMBER_PASSWORD })).status, 200,
    'other accounts are unaffected');
  // Whoever failed from here did not lock the owner out everywhere: from
  // another address the account still signs in, and fails there on its own count.
  assert.equal((await signInFrom('127.0.0.2', m.email, MEMBER_PASSWORD)).status, 200,
    "a stranger's failures do not lock the owner out from another address");
  assert.equal((await signInFrom('127.0.0.3', m.email, 'wrong-password-x')).status, 401);
  assert.equal((await new Client().post('/session', { email: m.email, password: MEMBER_PASSWORD })).status, 429,
    'and the address that failed stays limited');
});

test('sign-in attempts made at once are counted before the password is verified: no more than the limit go on', async () => {
  const a = await admin();
  const m = await newMember(a, 'concurrent');
  // Twelve wrong passwords at once: each is counted before its argon2 check
  // (~0.1 s), so exactly the limit (5) are verified and answered 401, the
  // rest 429.  Counted after the check, every attempt that began before
  // the first had failed passed it (8 or more of 12 with 4 workers).
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    new Client().post('/session', { email: m.email, password: `wrong-at-once-${i}` })));
  const statuses = answers.map((r) => r.status).sort();
  assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(7).fill(429)], `statuses: ${statuses}`);
});

test('requests without credentials are 401; a forged cookie is 401', async () => {
  assertError(await new Client().get('/me'), 401, 'unauthenticated');
  assertError(await new Client().get('/partners'), 401, 'unauthenticated');
  const forged = new Client();
  forged.cookie = 'A'.repeat(43);
  assertError(await forged.get('/partners'), 401, 'unauthenticated');
  const bearer = new Client();
  bearer.token = 'pt_not-a-token';
  assertError(await bearer.get('/partners'), 401, 'unauthenticated');
});

test('state-changing requests with a cookie need the CSRF header', async () => {
  const c = await admin();
  assertError(await c.post('/partners', partnerBody(), { csrf: false }), 403, 'forbidden');
  assertError(await c.post('/partners', partnerBody(), { headers: { 'x-csrf-token': 'wrong' } }), 403, 'forbidden');
  assertError(await c.del('/session', { csrf: false }), 403, 'forbidden');
  assert.equal((await c.get('/partners')).status, 200, 'reads need no CSRF token');
  const other = await admin();
  assertError(await c.post('/partners', partnerBody(), { headers: { 'x-csrf-token': other.csrf } }), 403, 'forbidden',
    []);
});

test('signing out ends the session on the server', async () => {
  const c = await admin();
  const cookie = c.cookie;
  const r = await c.del('/session');
  assert.equal(r.status, 204);
  assert.match(r.setCookie, /Max-Age=0/);
  const replay = new Client();
  replay.cookie = cookie;
  assertError(await replay.get('/me'), 401, 'unauthenticated');
});

test('API tokens: shown once, work without CSRF, listed without their value, revocable', async () => {
  const c = await admin();
  const created = await c.post('/me/tokens', { name: 'ci script' });
  assert.equal(created.status, 201);
  assert.match(created.json.token, /^pt_[A-Za-z0-9_-]{43}$/);
  const script = new Client();
  script.token = created.json.token;
  const made = await script.post('/partners', partnerBody());
  assert.equal(made.status, 201, 'a Bearer token needs no CSRF header');
  const me = await script.get('/me');
  assert.equal(me.json.csrfToken, null);
  const list = await c.get('/me/tokens');
  assert.equal(list.status, 200);
  const listed = list.json.items.find((t) => t.id === created.json.id);
  assert.equal(listed.name, 'ci script');
  assert.ok(!list.text.includes(created.json.token), 'the token is never shown again');
  assertError(await c.post('/me/tokens', { name: 7 }), 400, 'bad_request', ['name']);
  assertError(await c.post('/me/tokens', {}), 422, 'validation', ['name']);
  for (const name of ['   ', 'x'.repeat(101), '\u200b\u200b', 'ci\u0007bell']) {
    assertError(await c.post('/me/tokens', { name }), 422, 'validation', ['name']);
  }
  const other = await newMember(c, 'tokens');
  assertError(await other.del(`/me/tokens/${created.json.id}`), 404, 'not_found');
  assert.equal((await c.del(`/me/tokens/${created.json.id}`)).status, 204);
  assertError(await script.get('/partners'), 401, 'unauthenticated');
});

test('changing the password needs the current one and ends other sessions', async () => {
  const a = await admin();
  const m = await newMember(a, 'passwd');
  const elsewhere = await signIn(m.email, MEMBER_PASSWORD);
  assertError(await m.post('/me/password', { currentPassword: 'wrong-password', newPassword: 'new-password-2' }),
    422, 'validation', ['currentPassword']);
  assertError(await m.post('/me/password', { currentPassword: MEMBER_PASSWORD, newPassword: 'short' }),
    422, 'validation', ['newPassword']);
  assert.equal((await m.post('/me/password', { currentPassword: MEMBER_PASSWORD, newPassword: 'new-password-2' })).status,
    204);
  assert.equal((await m.get('/me')).status, 200, 'this session goes on');
  assertError(await elsewhere.get('/me'), 401, 'unauthenticated');
  await signIn(m.email, 'new-password-2');
});

test('a password change keeps API tokens unless endTokens is true, which ends them all', async () => {
  const a = await admin();
  const m = await newMember(a, 'endtokens');
  const tokenClient = async (name) => {
    const made = await m.post('/me/tokens', { name });
    assert.equal(made.status, 201, made.text);
    const script = new Client();
    script.token = made.json.token;
    return script;
  };
  const kept = await tokenClient('kept');
  assertError(await m.post('/me/password', { currentPassword: MEMBER_PASSWORD, newPassword: 'new-password-3',
    endTokens: 'yes' }), 400, 'bad_request', ['endTokens']);
  assert.equal((await m.post('/me/password', { currentPassword: MEMBER_PASSWORD, newPassword: 'new-password-3' })).status,
    204);
  assert.equal((await kept.get('/me')).status, 200, 'a script goes on through a password change by default');
  const other = await tokenClient('other');
  assert.equal((await m.post('/me/password', { currentPassword: 'new-password-3', newPassword: 'new-password-4',
    endTokens: true })).status, 204);
  assertError(await kept.get('/me'), 401, 'unauthenticated');
  assertError(await other.get('/me'), 401, 'unauthenticated');
  assert.deepEqual((await m.get('/me/tokens')).json.items, []);
  assert.equal((await m.get('/me')).status, 200, 'the session that changed it goes on');
  // Changed through a token, endTokens ends that token too.
  const own = await tokenClient('own');
  assert.equal((await own.post('/me/password', { currentPassword: 'new-password-4', newPassword: 'new-password-5',
    endTokens: true })).status, 204);
  assertError(await own.get('/me'), 401, 'unauthenticated');
});

test('DELETE /session with an API token is 400 and ends nothing; the token is revoked by its id', async () => {
  const a = await admin();
  const made = await a.post('/me/tokens', { name: 'signs out' });
  const script = new Client();
  script.token = made.json.token;
  const r = await script.del('/session');
  assertError(r, 400, 'bad_request');
  assert.match(r.json.error.message, /DELETE \/api\/v1\/me\/tokens\/\{id\}/);
  assert.equal((await script.get('/me')).status, 200, 'the token still works: nothing was ended');
  assert.equal((await a.get('/me')).status, 200, "nor was the admin's session");
  assert.equal((await script.del(`/me/tokens/${made.json.id}`)).status, 204);
  assertError(await script.get('/me'), 401, 'unauthenticated');
});

test('unknown routes are 404, wrong methods 405 with Allow, query parameters on routes without them 400', async () => {
  const c = await admin();
  assertError(await c.get('/nothing-here'), 404, 'not_found');
  const r = await c.req('PUT', '/partners');
  assertError(r, 405, 'method_not_allowed');
  assert.match(r.headers.get('allow'), /GET/);
  assert.match(r.headers.get('allow'), /POST/);
  assertError(await c.get('/me?x=1'), 400, 'bad_request');
  // nginx refuses a malformed percent-escape before any location is chosen.
  const raw = await fetch(`${BASE}/partners/%zz`);
  assert.equal(raw.status, 400);
});

test('an oversized body is 413 with the API error body', async () => {
  const c = await admin();
  const r = await c.post('/partners', partnerBody({ notes: 'x'.repeat(1024 * 1024 + 10) }));
  assertError(r, 413, 'too_large');
});
