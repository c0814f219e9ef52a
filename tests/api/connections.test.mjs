// 500 connections at once to the health check through nginx: every one is
// answered 200.  Each holds a client connection and, while its request is
// at the program, a FastCGI one: with nginx's 1024 worker_connections the
// local stack reset some ("worker_connections are not enough") and kept
// others waiting for seconds.  Loopback only; bounded by a timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BASE } from './lib.mjs';

const CONNECTIONS = 500;

function health(agent) {
  return new Promise((resolve) => {
    const req = http.get(`${BASE}/health`, { agent, timeout: 30000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve(e.code ?? e.message));
  });
}

test(`${CONNECTIONS} connections at once to /health are all answered 200`, async (t) => {
  // One connection per request, all opened at once (no pooling).
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: CONNECTIONS }, () => health(agent)));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  const tally = {};
  for (const a of answers) tally[a] = (tally[a] ?? 0) + 1;
  t.diagnostic(`measured: ${CONNECTIONS} connections at once to /health: ${JSON.stringify(tally)} in ${seconds.toFixed(1)} s`);
  assert.deepEqual(tally, { 200: CONNECTIONS });
});
