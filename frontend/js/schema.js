// What the server says about its records: the OpenAPI document it generates
// from its field tables and the database catalogue.  Forms, filters, sort
// keys and enumerations all come from here, never from a copy in the client.

import { api } from './api.js';

let collections = null;

const RECORD_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'version', 'deletedAt']);

// Loads the document once; resolves to {collection: description}.
export async function loadSchema() {
  if (collections) return collections;
  const doc = await api.get('openapi.json');
  collections = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const match = /^\/([a-z-]+)$/.exec(path);
    const ref = item.get?.responses?.['200']?.content?.['application/json']?.schema?.properties?.items?.items?.$ref;
    if (!match || !ref) continue;
    const name = ref.split('/').pop();
    const schema = doc.components.schemas[name];
    const required = new Set(schema.required || []);
    const params = item.get.parameters || [];
    const sortParam = params.find((p) => p.name === 'sort');
    collections[match[1]] = {
      name: match[1],
      creatable: Boolean(item.post),
      fields: Object.entries(schema.properties).map(([field, s]) => ({
        name: field,
        type: s.type,
        format: s.format || null,
        // A nullable enumeration lists null too (OpenAPI 3.0): "nullable" says it.
        enum: s.enum ? s.enum.filter((v) => v !== null) : null,
        readOnly: Boolean(s.readOnly),
        nullable: Boolean(s.nullable),
        required: required.has(field),
        references: s['x-references'] || null,
        default: s.default ?? null,
        minimum: s.minimum ?? null,
        record: RECORD_FIELDS.has(field),
      })),
      // Parameters beyond paging and sorting: enumerated filters, search...
      params: Object.fromEntries(params.map((p) => [p.name, p])),
      sortable: new Set((sortParam?.schema?.items?.enum || []).filter((k) => !k.startsWith('-'))),
    };
  }
  return collections;
}

export function collection(name) {
  if (!collections?.[name]) throw new Error(`unknown collection ${name}`);
  return collections[name];
}

export function field(collectionName, fieldName) {
  return collection(collectionName).fields.find((f) => f.name === fieldName);
}

// The values of an enumerated field, in pipeline order (the database's).
export function enumValues(collectionName, fieldName) {
  return field(collectionName, fieldName)?.enum || [];
}
