// A small HTTP client for the API tests: keeps a session cookie and CSRF
// token like a browser would, or sends a Bearer token like a script.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { assertAnswer } from './contract.mjs';

const origin = process.env.API_BASE ?? 'http://127.0.0.1:8091';
export const BASE = `${origin}/api/v1`;
export const ADMIN_EMAIL = process.env.ADMIN_EMAIL ?? 'admin@test.example';
export const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? 'admin-test-password';
export const MEMBER_PASSWORD = 'member-password-1';

export const unique = (prefix) => `${prefix}-${randomBytes(5).toString('hex')}`;

export class Client {
  constructor() {
    this.cookie = null;
    this.csrf = null;
    this.token = null;
    this.user = null;
  }

  // method, path below /api/v1; body is sent as JSON unless raw is given.
  // Every answer is checked against the OpenAPI document (contract.mjs):
  // one it does not describe fails the test.
  async req(method, path, { body, raw, headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = `partnerships_session=${this.cookie}`;
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (csrf && this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(BASE + path, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    const match = setCookie && /partnerships_session=([^;]*)/.exec(setCookie);
    if (match) this.cookie = match[1] || null;
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    await assertAnswer(BASE, method, path, res.status, res.headers.get('content-type'), text);
    return { status: res.status, headers: res.headers, json, text, setCookie };
  }

  get(path, opts) { return this.req('GET', path, opts); }
  post(path, body, opts = {}) { return this.req('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.req('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.req('DELETE', path, opts); }

  async login(email, password) {
    const r = await this.post('/session', { email, password });
    if (r.status === 200) {
      this.csrf = r.json.csrfToken;
      this.user = r.json.user;
    }
    return r;
  }
}

export async function signIn(email, password) {
  const c = new Client();
  const r = await c.login(email, password);
  assert.equal(r.status, 200, `sign-in of ${email}: ${r.text}`);
  return c;
}

export const admin = () => signIn(ADMIN_EMAIL, ADMIN_PASSWORD);

// A new member, created by an admin, signed in.
export async function newMember(adminClient, name = 'member', role = 'member') {
  const email = `${unique(name)}@api.test`;
  const r = await adminClient.post('/users', { email, name, role, password: MEMBER_PASSWORD });
  assert.equal(r.status, 201, r.text);
  const c = await signIn(email, MEMBER_PASSWORD);
  c.email = email;
  return c;
}

export function partnerBody(overrides = {}) {
  return {
    company: unique('Company'),
    contactName: 'Pat Contact',
    contactEmail: 'pat@partner.example',
    type: 'referral',
    ...overrides,
  };
}

export async function newPartner(client, overrides) {
  const r = await client.post('/partners', partnerBody(overrides));
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// Asserts an API error: status, code, and (optionally) the fields named.
export function assertError(r, status, code, fields = []) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  for (const f of fields) assert.ok(r.json.error.fields?.[f], `field ${f} named in ${r.text}`);
  assert.ok(r.headers.get('x-request-id'), 'X-Request-Id on the error');
}
