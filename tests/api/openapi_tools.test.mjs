// The OpenAPI document the server makes, as the usual tools take it: a strict
// validator (swagger-parser), a linter (Redocly's recommended rules) and a
// client generator (openapi-typescript) whose types must compile under
// TypeScript's strict checks.  That every answer matches the document is
// checked on each request of the API tests (contract.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BASE } from './lib.mjs';

const require = createRequire(import.meta.url);
const served = async () => {
  const r = await fetch(`${BASE}/openapi.json`);
  assert.equal(r.status, 200);
  return r.text();
};

// Lint warnings accepted, each with its reason.
const ACCEPTED_WARNINGS = {
  // The project has chosen no licence to state; naming one is not the
  // document's call.
  'info-license': 'no licence has been chosen',
};

test('swagger-parser validates the document (OpenAPI 3.0 schema and references)', async () => {
  const SwaggerParser = require('@apidevtools/swagger-parser');
  const doc = JSON.parse(await served());
  const api = await SwaggerParser.validate(doc);
  assert.equal(api.openapi, '3.0.3');
});

test('Redocly lint, recommended rules: no error, and no warning but the accepted ones', async (t) => {
  const { createConfig, lintFromString } = require('@redocly/openapi-core');
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: await served(), absoluteRef: 'openapi.json', config });
  const describe = (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`;
  const accepted = problems.filter((p) => p.severity === 'warn' && ACCEPTED_WARNINGS[p.ruleId]);
  for (const p of accepted) t.diagnostic(`accepted: ${describe(p)} (${ACCEPTED_WARNINGS[p.ruleId]})`);
  assert.deepEqual(problems.filter((p) => !accepted.includes(p)).map(describe), []);
});

test('a TypeScript client generated from the document compiles with tsc --strict', async () => {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const doc = JSON.parse(await served());
  const dir = await mkdtemp(join(tmpdir(), 'partnerships-openapi-ts-'));
  try {
    await writeFile(join(dir, 'openapi.ts'), astToString(await openapiTS(doc)));
    // A client's use of the types: the operations by their ids, a list's
    // rows, a nullable enumeration, a change without defaults, free-form
    // objects (history changes, a 412's current record), an error.
    await writeFile(join(dir, 'client.ts'), `
import type { components, operations, paths } from './openapi';

type Partner = components['schemas']['Partner'];
type PartnerList = paths['/partners']['get']['responses'][200]['content']['application/json'];
type Created = operations['createPartner']['responses'][201]['content']['application/json'];
type Changes = NonNullable<operations['updatePartner']['requestBody']>['content']['application/json'];
type Board = operations['getPartnersBoard']['responses'][200]['content']['application/json'];
type Failure = components['schemas']['Error'];
type History = operations['getPartnerHistory']['responses'][200]['content']['application/json'];
type Oplog = operations['listOplog']['responses'][200]['content']['application/json'];

export function companies(list: PartnerList): string[] {
  return (list.items ?? []).map((p: Partner) => p.company);
}
export const created = (p: Created): string | undefined => p.id;
export const noIntegration: Partner['integrationStatus'] = null;
export const launched: Partner['integrationStatus'] = 'launched';
export const change: Changes = { status: 'active', integrationStatus: null };
export const columns = (b: Board): number => b.columns?.length ?? 0;
export const message = (e: Failure): string => e.error?.message ?? '';
export const current = (e: Failure): unknown => e.error?.current?.['version'];
export const changed = (h: History): unknown => h.items?.[0]?.changes?.['status'];
export const partners = (o: Oplog): (string | null | undefined)[] => (o.items ?? []).map((i) => i.partnerId);
`);
    const tsc = require.resolve('typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler',
      join(dir, 'openapi.ts'), join(dir, 'client.ts')];
    try {
      await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: dir, timeout: 120_000 });
    } catch (e) {
      assert.fail(`tsc: ${e.stdout}${e.stderr}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
