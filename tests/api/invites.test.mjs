// Invitations: a user made without a password gets a single-use link that
// sets it; a link used, revoked or unknown is one and the same 410 (expiry,
// which a test cannot wait for, is in tests/sql/008_invitations.sql).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, admin, newMember, signIn, assertError, unique } from './lib.mjs';

const tokenOf = (invite) => new URL(invite.url, 'http://x').hash.split('token=')[1];

async function invited(a, name = 'invited') {
  const email = `${unique(name)}@api.test`;
  const r = await a.post('/users', { email, name });
  assert.equal(r.status, 201, r.text);
  return { email, user: r.json.user, invite: r.json.invite };
}

test('a user made without a password gets a link, and cannot sign in until it is used', async () => {
  const a = await admin();
  const { email, user, invite } = await invited(a);
  assert.equal(user.email, email);
  assert.ok(invite.id && invite.expiresAt && invite.url, JSON.stringify(invite));
  const days = (Date.parse(invite.expiresAt) - Date.now()) / 86400e3;
  assert.ok(days > 6.9 && days <= 7, `valid for 7 days (${days})`);
  assert.match(invite.url, /^http:\/\/127\.0\.0\.1:\d+\/#\/invite\?token=[\w-]{40,}$/,
    'the app\'s address on this host and port, the token after the # (never sent to a server)');
  assertError(await new Client().post('/session', { email, password: 'any-password-1' }), 401, 'unauthenticated');

  const listed = (await a.get('/users')).json.items.find((u) => u.id === user.id);
  assert.equal(listed.hasPassword, false);
  assert.deepEqual(listed.invite, { id: invite.id, expiresAt: invite.expiresAt });
  assert.ok(!(await a.get('/users')).text.includes(tokenOf(invite)), 'the link is shown only once');

  const guest = new Client();
  const accepted = await guest.post('/invites/accept', { token: tokenOf(invite), password: 'chosen-password-1' });
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.user.id, user.id);
  assert.ok(accepted.json.csrfToken);
  assert.match(accepted.setCookie, /partnerships_session=[^;]+;.*HttpOnly/);
  guest.csrf = accepted.json.csrfToken;
  assert.equal((await guest.get('/me')).json.user.id, user.id, 'signed in by the link');
  await signIn(email, 'chosen-password-1');
  const after = (await a.get('/users')).json.items.find((u) => u.id === user.id);
  assert.equal(after.hasPassword, true);
  assert.equal(after.invite, null);
});

test('used, revoked and unknown links get the same 410, and change nothing', async () => {
  const a = await admin();
  const { email, user, invite } = await invited(a, 'once');
  assert.equal((await new Client().post('/invites/accept', { token: tokenOf(invite), password: 'first-password-1' })).status, 200);
  const used = await new Client().post('/invites/accept', { token: tokenOf(invite), password: 'second-password-2' });
  assertError(used, 410, 'gone');
  await signIn(email, 'first-password-1');   // the second use set nothing

  const second = await a.post(`/users/${user.id}/invites`, {});
  assert.equal(second.status, 201, second.text);
  const revoked = await a.del(`/invites/${second.json.id}`);
  assert.equal(revoked.status, 204);
  assertError(await a.del(`/invites/${second.json.id}`), 404, 'not_found');
  const afterRevoke = await new Client().post('/invites/accept', { token: tokenOf(second.json), password: 'third-password-3' });
  const unknown = await new Client().post('/invites/accept', { token: 'x'.repeat(43), password: 'third-password-3' });
  for (const r of [afterRevoke, unknown]) {
    assertError(r, 410, 'gone');
    assert.equal(r.text, used.text, 'one answer for used, revoked and unknown');
  }
  await signIn(email, 'first-password-1');
});

test('a new link ends the earlier one, and resets a forgotten password', async () => {
  const a = await admin();
  const m = await newMember(a, 'forgetful');
  const first = (await a.post(`/users/${m.user.id}/invites`, {})).json;
  const second = (await a.post(`/users/${m.user.id}/invites`, {})).json;
  assertError(await new Client().post('/invites/accept', { token: tokenOf(first), password: 'new-password-1' }), 410, 'gone');
  const r = await new Client().post('/invites/accept', { token: tokenOf(second), password: 'new-password-1' });
  assert.equal(r.status, 200, r.text);
  assertError(await m.get('/me'), 401, 'unauthenticated', [], 'the old sessions end with the reset');
  await signIn(m.email, 'new-password-1');
});

test('two uses of one link at once: exactly one signs in', async () => {
  const a = await admin();
  const { invite } = await invited(a, 'race');
  const answers = await Promise.all([1, 2, 3, 4].map((n) =>
    new Client().post('/invites/accept', { token: tokenOf(invite), password: `racing-password-${n}` })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 410, 410, 410]);
});

test('invitations: admins only, bad input refused, a disabled user gets no link', async () => {
  const a = await admin();
  const m = await newMember(a, 'not-admin');
  const { user, invite } = await invited(a, 'target');
  assertError(await m.post(`/users/${user.id}/invites`, {}), 403, 'forbidden');
  assertError(await m.del(`/invites/${invite.id}`), 404, 'not_found', [], 'a link a member did not make is none of theirs');
  assertError(await m.post('/users', { email: `${unique('x')}@api.test`, name: 'X' }), 403, 'forbidden');
  assertError(await a.post(`/users/${user.id}/invites`, { days: 30 }), 400, 'bad_request', ['days']);
  assertError(await a.post('/users/no-such-user/invites', {}), 404, 'not_found');
  assertError(await a.post(`/users/${user.id}/invites`, {}, { csrf: false }), 403, 'forbidden');
  assertError(await a.del('/invites/no-such-invite'), 404, 'not_found');

  const guest = new Client();
  assertError(await guest.post('/invites/accept', { token: tokenOf(invite) }), 422, 'validation', ['password']);
  assertError(await guest.post('/invites/accept', { token: tokenOf(invite), password: 'short' }), 422, 'validation',
    ['password']);
  assertError(await guest.post('/invites/accept', { token: 7, password: 'long-enough-1' }), 400, 'bad_request', ['token']);
  assertError(await guest.post('/invites/accept', { token: tokenOf(invite), password: 'long-enough-1', admin: true }),
    400, 'bad_request', ['admin']);
  assertError(await guest.req('POST', '/invites/accept', { raw: 'token=x', headers: { 'content-type': 'text/plain' } }),
    415, 'unsupported_media_type');
  assertError(await guest.post('/invites/accept', { token: 'x'.repeat(100000), password: 'long-enough-1' }), 410, 'gone');

  assert.equal((await a.patch(`/users/${user.id}`, { disabled: true })).status, 200);
  assertError(await guest.post('/invites/accept', { token: tokenOf(invite), password: 'long-enough-1' }), 410, 'gone',
    [], 'a disabled user\'s link does not sign in');
  assertError(await a.post(`/users/${user.id}/invites`, {}), 404, 'not_found');
});
