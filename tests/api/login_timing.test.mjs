// Sign-in does not tell which emails have an account, by its answer or by
// its time: a wrong password for an existing account and any password for
// an address nobody has are answered alike, and take as long (the program
// verifies against a dummy hash when there is no account).  Measured
// interleaved, one failure per account so the per-account limit is not hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, unique, Client } from '../api/lib.mjs';

const ROUNDS = 16;

async function timedFailure(email) {
  const c = new Client();
  const started = process.hrtime.bigint();
  const r = await c.login(email, 'wrong-password-123');
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: r.status, body: r.json };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('a wrong password and an unknown email: the same answer in the same time', async (t) => {
  const root = await admin();
  const existing = [];
  for (let i = 0; i < ROUNDS; i++) {
    const email = `${unique('timing')}@api.test`;
    const r = await root.post('/users', { email, name: 'Timing', role: 'member', password: 'member-password-1' });
    assert.equal(r.status, 201, r.text);
    existing.push(email);
  }
  const known = [];
  const unknown = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = await timedFailure(existing[i]);
    const b = await timedFailure(`${unique('nobody')}@api.test`);
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.deepEqual(a.body, b.body, 'the same answer');
    known.push(a.ms);
    unknown.push(b.ms);
  }
  const [k, u] = [median(known), median(unknown)];
  t.diagnostic(`measured: median sign-in failure ${k.toFixed(1)} ms for an account, ${u.toFixed(1)} ms for no account (${ROUNDS} each)`);
  // Without the dummy verification an unknown email is answered in about
  // a millisecond against tens for a password check.
  assert.ok(u > k * 0.6 && u < k * 1.6, `as long either way: ${k.toFixed(1)} vs ${u.toFixed(1)} ms`);
});
