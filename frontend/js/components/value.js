// One field's value as the user reads it, by the field's type in the schema.

import { h } from '../dom.js';
import * as format from '../format.js';
import { userName } from '../session.js';

// Ratios shown as percentages; everything else with multipleOf 0.01 is money.
const PERCENT_OF_ONE = new Set(['roi']);
const PERCENT_OF_HUNDRED = new Set(['errorRate']);
// Flags that are a warning when set (shown as one, not in green).
const WARNING_WHEN_TRUE = new Set(['oneSided']);

// Text of a value (for tables, cards, CSV-like places).
export function valueText(field, value, record = {}) {
  if (value === null || value === undefined || value === '') return '';
  if (field.references === 'partners') return record.partner || record.company || value;
  if (field.references === 'users') return userName(value);
  if (field.enum || field.name === 'engagement') return format.label(value);
  if (field.type === 'boolean') return value ? 'Yes' : 'No';
  if (field.format === 'date') return format.date(value);
  if (field.format === 'date-time') return format.timestamp(value);
  if (PERCENT_OF_ONE.has(field.name)) return format.percent(value);
  if (PERCENT_OF_HUNDRED.has(field.name)) return `${format.number(value)} %`;
  if (field.type === 'number') return format.money(value);
  if (field.type === 'integer') return format.number(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? v.text : v)).join(', ');
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}: ${v}`).join(', ');
  return String(value);
}

// A node for a table cell or a card: enumerations as badges.
export function valueNode(field, value, record = {}) {
  const text = valueText(field, value, record);
  if (text === '') return h('span', { class: 'muted', 'aria-label': 'none' }, '—');
  if (field.enum || field.name === 'engagement') return h('span', { class: `badge badge-${value}` }, text);
  if (field.type === 'boolean') return h('span', { class: value ? (WARNING_WHEN_TRUE.has(field.name) ? 'warn-yes' : 'yes') : 'no' }, text);
  return text;
}

// Numbers align right in tables.
export function isNumeric(field) {
  return field.type === 'number' || field.type === 'integer';
}
