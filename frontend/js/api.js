// The only module that talks to the server.  Every call goes to the API
// (its base from <meta name="partnerships-api">, relative to the page, so the
// app works under a path prefix), with the CSRF token on state changes.

const base = new URL(document.querySelector('meta[name="partnerships-api"]')?.content || 'api/v1/', document.baseURI);

let csrfToken = null;
let reauthenticate = null;

// An answer other than 2xx: status, code and message from the body, plus the
// per-field messages of a 422 and the current record of a 412.
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error || {};
    super(error.message || `the server answered ${status}`);
    this.status = status;
    this.code = error.code || 'unknown';
    this.fields = error.fields || {};
    this.current = error.current || null;
    this.rows = error.rows || null;
    this.ids = error.ids || null;
  }
}

// The token state-changing requests carry (for the few sent without request()).
export function currentCsrfToken() {
  return csrfToken;
}

export function setCsrfToken(token) {
  csrfToken = token;
}

// fn() is awaited when a request meets 401 (the session ended): it signs the
// user in again, then the request is sent once more.
export function onSessionEnded(fn) {
  reauthenticate = fn;
}

function url(path, query) {
  const u = new URL(path.replace(/^\//, ''), base);
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue;
    u.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return u;
}

// request('PATCH', 'partners/ID', {body, ifMatch: 3}) → the parsed answer
// (null for 204).  Throws ApiError.  A GET that fails on the network (a
// kept-alive connection the server was closing) is sent once more.
export async function request(method, path, options = {}) {
  const { body, query, ifMatch, text, retried } = options;
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (text !== undefined) headers['Content-Type'] = 'text/csv';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body !== undefined ? JSON.stringify(body) : text,
    });
  } catch (e) {
    if (method === 'GET' && !retried) return request(method, path, { ...options, retried: true });
    throw new ApiError(0, { error: { code: 'network', message: 'the server could not be reached; check the connection and try again' } });
  }
  // 401 from `me` (is anyone signed in?) or `session` (signing in) is an answer, not an ended session.
  if (response.status === 401 && path !== 'session' && path !== 'me' && reauthenticate && !retried) {
    await reauthenticate();
    return request(method, path, { ...options, retried: true });
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const parsed = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof parsed === 'object' ? parsed : null);
  return parsed;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body) => request('POST', path, { body }),
  patch: (path, body, version) => request('PATCH', path, { body, ifMatch: version }),
  del: (path) => request('DELETE', path),
  // A link to download (CSV export): same filters as the list.
  href: (path, query) => url(path, query).href,
};
