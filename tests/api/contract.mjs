// The API's answers against its OpenAPI document: Client.req (lib.mjs) hands
// every answer here, and an answer the document does not describe fails the
// test that got it.  An answer is described when the document has its method
// and path, lists its status (or "default"), and its body matches the schema
// given for that status and content type; a status with no content has no
// body.  Requests to paths or methods the document does not have must be
// refused with 404 or 405.  502 and 504 are nginx's own (no worker answered:
// the fault tests cause them) and are not the API's answers.
//
// The schemas are OpenAPI 3.0's: "nullable: true" becomes a "null" type (an
// enumeration still has to list null itself, as OpenAPI 3.0.3 says), and
// "$ref" points into the document; ajv validates them with formats.  An
// object schema that names its properties is taken as naming all of them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const DOCUMENT_ID = 'https://partnerships.invalid/openapi.json';
const GATEWAY_STATUSES = new Set([502, 504]);

// Every mismatch seen by this process, in order: {method, path, status, problem}.
// A test that catches what req() throws (the fault tests count failed
// requests) does not hide one: the process then exits with status 1.
export const mismatches = [];
process.on('exit', () => {
  if (mismatches.length === 0) return;
  console.error(`# ${mismatches.length} answers the OpenAPI document does not describe:`);
  for (const m of mismatches) console.error(`#   ${m.method} ${m.path} -> ${m.status}: ${m.problem}`);
  process.exitCode = 1;
});

// A schema of OpenAPI 3.0 as JSON Schema (draft 7) for ajv.
export function jsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'discriminator' || key.startsWith('x-')) continue;
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, s]) => [k, jsonSchema(s)]));
    } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = jsonSchema(value);
    } else if (key === '$ref' && value.startsWith('#/')) {
      out[key] = `${DOCUMENT_ID}${value}`;
    } else {
      out[key] = value;
    }
  }
  // An object whose properties are named has only those: a field the
  // document does not name is a mismatch too (a client would not know it).
  if (out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (!out.type) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function decodePointer(ref) {
  return ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolve(doc, object) {
  let o = object;
  for (let i = 0; o?.$ref && i < 10; i++) o = decodePointer(o.$ref).reduce((v, k) => v?.[k], doc);
  return o;
}

// The document's operations as matchers, concrete paths before templates
// (the server routes /partners/import before /partners/{id}).
export class Contract {
  constructor(doc) {
    this.doc = doc;
    // multipleOfPrecision: 19.99 is a multiple of 0.01 (not in binary floating point).
    this.ajv = new Ajv({ strict: false, allErrors: true, multipleOfPrecision: 9 });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: jsonSchema({ properties: doc.components?.schemas ?? {} }).properties } });
    this.validators = new Map();
    this.paths = Object.keys(doc.paths)
      .map((path) => ({
        path,
        item: doc.paths[path],
        re: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
        templated: path.includes('{'),
      }))
      .sort((a, b) => a.templated - b.templated);
  }

  // The operation for a method and a path below the server's URL:
  // {path, operation}, or null.
  operation(method, path) {
    const m = method.toLowerCase();
    const p = this.paths.find((x) => x.item[m] && x.re.test(path));
    return p ? { path: p.path, operation: p.item[m] } : null;
  }

  validator(key, schema) {
    if (!this.validators.has(key)) this.validators.set(key, this.ajv.compile(jsonSchema(schema)));
    return this.validators.get(key);
  }

  // The problems of one answer (empty when the document describes it).
  check(method, fullPath, status, contentType, text) {
    if (GATEWAY_STATUSES.has(status)) return [];
    let path = fullPath.split('?')[0].split('#')[0];
    try {
      path = decodeURI(path);
    } catch {
      // not UTF-8 percent-encoding: matched as it is
    }
    const found = this.operation(method, path);
    if (!found) {
      return status === 404 || status === 405 ? [] : [`not in the document, yet answered ${status} (not 404 or 405)`];
    }
    const responses = found.operation.responses;
    const key = responses[String(status)] ? String(status) : responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : 'default';
    const response = resolve(this.doc, responses[key]);
    const where = `${method.toUpperCase()} ${found.path} ${status}`;
    if (!response) return [`status ${status} is not among the documented ${Object.keys(responses).join(', ')}`];
    const content = response.content ?? {};
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (Object.keys(content).length === 0) {
      return text ? [`${where} has no documented body, yet one came (${mediaType}): ${text.slice(0, 200)}`] : [];
    }
    const media = content[mediaType];
    if (!media) return [`content type "${mediaType}" is not among the documented ${Object.keys(content).join(', ')}`];
    if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) return [];
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return [`the body is not JSON: ${e.message}`];
    }
    if (!media.schema) return [];
    const validate = this.validator(`${found.path} ${method} ${key} ${mediaType}`, media.schema);
    if (validate(body)) return [];
    // ?fields= asks for some fields of each record: the others, required
    // in a whole record, are left out.
    const sparse = /[?&]fields=/.test(fullPath);
    const errors = validate.errors.filter((e) => !(sparse && e.keyword === 'required'));
    if (!errors.length) return [];
    return errors.map((e) => `body${e.instancePath} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''} (schema ${e.schemaPath})`);
  }
}

let loading = null;

// The contract of the server at base (its /openapi.json), loaded once; the
// copy kept in the repository when the server cannot give it (its database
// down: the fault tests) — they are the same (openapi.test.mjs).
export function contract(base) {
  loading ??= (async () => {
    let doc = null;
    try {
      const r = await fetch(`${base}/openapi.json`);
      if (r.status === 200) doc = await r.json();
    } catch {
      doc = null;
    }
    doc ??= JSON.parse(await readFile(new URL('../../frontend/openapi.json', import.meta.url), 'utf8'));
    return new Contract(doc);
  })();
  return loading;
}

// Fails (throws) when the document does not describe the answer.
export async function assertAnswer(base, method, path, status, contentType, text) {
  const problems = (await contract(base)).check(method, path, status, contentType, text);
  if (problems.length === 0) return;
  for (const problem of problems) mismatches.push({ method, path, status, problem });
  assert.fail(`the answer is not the one the OpenAPI document describes: ${method} ${path} -> ${status}\n  ${problems.join('\n  ')}\n  body: ${text.slice(0, 500)}`);
}
