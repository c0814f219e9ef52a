// Users: the directory, admin-only writes, disabling and demotion taking
// effect at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEMBER_PASSWORD, Client, admin, newMember, newPartner, signIn, assertError, unique } from './lib.mjs';

test('every signed-in user may read the directory; it holds no secrets', async () => {
  const a = await admin();
  const m = await newMember(a, 'reader');
  const r = await m.get('/users');
  assert.equal(r.status, 200);
  const me = r.json.items.find((u) => u.id === m.user.id);
  assert.deepEqual(Object.keys(me).sort(), ['disabled', 'email', 'id', 'name', 'role']);
  assert.ok(!/argon2|password/i.test(r.text));
  assertError(await new Client().get('/users'), 401, 'unauthenticated');
});

test('only admins create users; bad input is refused', async () => {
  const a = await admin();
  const m = await newMember(a, 'plain');
  const email = `${unique('new')}@api.test`;
  assertError(await m.post('/users', { email, name: 'X', password: MEMBER_PASSWORD }), 403, 'forbidden');
  const r = await a.post('/users', { email, name: '  New Person ', password: MEMBER_PASSWORD });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.role, 'member', 'members by default');
  assert.equal(r.json.name, 'New Person');
  assert.ok(!/password|argon2/i.test(r.text), 'no password or hash in the answer');
  assertError(await a.post('/users', { email: email.toUpperCase(), name: 'Dup', password: MEMBER_PASSWORD }), 409,
    'conflict', ['email']);
  assertError(await a.post('/users', { email: 'nope', name: 'X', password: MEMBER_PASSWORD }), 422, 'validation',
    ['email']);
  assertError(await a.post('/users', { email: `${unique('r')}@api.test`, name: 'X', role: 'owner' }), 422,
    'validation', ['role']);
  assertError(await a.post('/users', { email: `${unique('p')}@api.test`, name: 'X', password: 'short' }), 422,
    'validation', ['password']);
  assertError(await a.post('/users', { email: `${unique('u')}@api.test`, name: 'X', admin: true }), 400,
    'bad_request', ['admin']);
  assertError(await a.post('/users', { email: `${unique('t')}@api.test`, name: ['X'] }), 400, 'bad_request', ['name']);
  assertError(await a.post('/users', { name: 'X' }), 422, 'validation', ['email']);
  assertError(await a.post('/users', { email: 'x@y.test', name: 'X' }, { csrf: false }), 403, 'forbidden');
});

test('PATCH /users: admin only; disabling ends sessions and tokens at once', async () => {
  const a = await admin();
  const m = await newMember(a, 'leaver');
  const token = (await m.post('/me/tokens', { name: 'laptop' })).json.token;
  const script = new Client();
  script.token = token;
  assert.equal((await script.get('/me')).status, 200);
  assertError(await m.patch(`/users/${m.user.id}`, { role: 'admin' }), 403, 'forbidden');
  assertError(await a.patch(`/users/${m.user.id}`, { disabled: 'yes' }), 400, 'bad_request', ['disabled']);
  assertError(await a.patch(`/users/${m.user.id}`, { email: 'x@y.test' }), 400, 'bad_request', ['email']);
  assertError(await a.patch('/users/nobody-at-all', { name: 'X' }), 404, 'not_found');
  const renamed = await a.patch(`/users/${m.user.id}`, { name: 'Leaving Soon' });
  assert.equal(renamed.json.name, 'Leaving Soon');
  const r = await a.patch(`/users/${m.user.id}`, { disabled: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.disabled, true);
  assertError(await m.get('/me'), 401, 'unauthenticated');
  assertError(await script.get('/me'), 401, 'unauthenticated');
  assertError(await new Client().post('/session', { email: m.email, password: MEMBER_PASSWORD }), 401,
    'unauthenticated');
});

test('an admin demoted to member loses access at once', async () => {
  const a = await admin();
  const other = await newMember(a, 'someone');
  const p = await newPartner(other);
  const second = await newMember(a, 'second-admin', 'admin');
  assert.equal((await second.get(`/partners/${p.id}`)).status, 200);
  assert.equal((await a.patch(`/users/${second.user.id}`, { role: 'member' })).status, 200);
  assertError(await second.get(`/partners/${p.id}`), 404, 'not_found');
  assertError(await second.post('/users', { email: `${unique('z')}@api.test`, name: 'Z' }), 403, 'forbidden');
  await signIn(second.email, MEMBER_PASSWORD);
});
