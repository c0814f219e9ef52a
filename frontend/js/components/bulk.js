// Working on many rows at once: the rows picked in a table (a checkbox each,
// Shift for a range, or every row the filters match, up to 500), then one
// field set on all of them, or all deleted (restored, in the trash), in one
// all-or-nothing POST /C/bulk, with Undo.
//
// bulkBar({collection, spec, trash, allMatching() → records, changed()})
//   → {element, toggle(record, checked, range), isSelected(id), pageSelected(records, checked), clear()}

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { teamUsers } from '../session.js';
import { recordName } from './panel.js';
import { toast } from './toast.js';

export const BULK_MAX = 500;

// The fields worth setting on many records at once: choices, owners and dates.
export function settableFields(spec) {
  return spec.fields.filter((f) => !f.readOnly && !f.record && (f.enum || f.references === 'users' || f.format === 'date'));
}

function valueControl(field) {
  const id = uid('bulk-value');
  if (field.enum || field.references === 'users') {
    const choices = field.enum ? field.enum.map((v) => [v, format.label(v)])
      : teamUsers().filter((u) => !u.disabled).map((u) => [u.id, `${u.name} (${u.email})`]);
    const input = h('select', { id }, field.nullable ? h('option', { value: '' }, '—') : null,
      choices.map(([v, t]) => h('option', { value: v }, t)));
    return { input, id, read: () => input.value || null };
  }
  const input = h('input', { id, type: 'date' });
  return { input, id, read: () => input.value || null, bad: () => input.validity.badInput };
}

export function bulkBar(options) {
  const selected = new Map();   // id → the record as it was read
  let last = null;              // the last row ticked, for Shift ranges
  let rows = [];                // the page's records, in order
  const count = h('strong', { 'aria-live': 'polite' });
  const fields = settableFields(options.spec);
  const fieldId = uid('bulk-field');
  const fieldSelect = h('select', { id: fieldId, onchange: () => drawValue() },
    fields.map((f) => h('option', { value: f.name }, format.label(f.name))));
  const valueSlot = h('span', { class: 'bulk-value' });
  let value = null;
  const allButton = h('button', { type: 'button', class: 'link', onclick: () => selectAll() }, '');
  const element = h('div', { class: 'bulk-bar', hidden: true, role: 'region', 'aria-label': 'Selected rows' },
    count, allButton,
    options.trash ? null : [h('label', { for: fieldId }, 'Set'), fieldSelect, valueSlot,
      h('button', { type: 'button', class: 'primary', onclick: () => applySet() }, 'Apply')],
    h('button', { type: 'button', class: options.trash ? 'primary' : 'danger', onclick: () => applyAction(options.trash ? 'restore' : 'delete') },
      options.trash ? 'Restore' : 'Delete'),
    h('button', { type: 'button', onclick: () => clear() }, 'Clear'));

  function drawValue() {
    const field = fields.find((f) => f.name === fieldSelect.value);
    value = field ? valueControl(field) : null;
    valueSlot.replaceChildren(...(value ? [h('label', { for: value.id, class: 'visually-hidden' }, `New ${format.label(field.name)}`), value.input] : []));
  }
  drawValue();

  let total = 0;
  function draw() {
    element.hidden = selected.size === 0;
    count.textContent = `${format.number(selected.size)} selected`;
    allButton.hidden = total <= rows.length || selected.size >= Math.min(total, BULK_MAX);
    allButton.textContent = total > BULK_MAX ? `Select the first ${BULK_MAX} of ${format.number(total)} matching`
      : `Select all ${format.number(total)} matching`;
    options.redraw?.();
  }

  async function selectAll() {
    const all = await options.allMatching(BULK_MAX);
    for (const r of all) selected.set(r.id, r);
    draw();
  }

  function clear() { selected.clear(); last = null; draw(); }

  async function run(body, done) {
    const ids = [...selected.keys()];
    const versions = Object.fromEntries([...selected.values()].map((r) => [r.id, r.version]));
    try {
      const answer = await api.post(`${options.collection}/bulk`, { ids, versions, ...body });
      clear();
      options.changed();
      done(answer, ids);
    } catch (e) {
      const which = e.ids || [];
      toast(`Nothing was changed: ${e.message}${Object.keys(e.fields || {}).length ? ` (${Object.entries(e.fields).map(([f, m]) => `${format.label(f)} ${m}`).join('; ')})` : ''}${which.length ? ` — ${which.length} record(s)` : ''}`);
    }
  }

  function applySet() {
    const field = fieldSelect.value;
    if (value?.bad?.()) { toast(`${format.label(field)} must be a real date.`); return; }
    const to = value?.read() ?? null;
    const before = [...selected.values()];
    run({ set: { [field]: to } }, (answer) => {
      toast(`Set ${format.label(field).toLowerCase()} on ${answer.items.length} records.`, {
        label: 'Undo',
        run: async () => {
          // Back to each record's own value: one change per value it had.
          const groups = new Map();
          for (const r of before) {
            const key = JSON.stringify(r[field] ?? null);
            groups.set(key, [...(groups.get(key) || []), answer.items.find((x) => x.id === r.id)]);
          }
          try {
            for (const [old, records] of groups) {
              await api.post(`${options.collection}/bulk`, { ids: records.map((r) => r.id), set: { [field]: JSON.parse(old) },
                versions: Object.fromEntries(records.map((r) => [r.id, r.version])) });
            }
            toast('Undone.');
          } catch (e) {
            toast(`Could not undo: ${e.message}`);
          }
          options.changed();
        },
      });
    });
  }

  function applyAction(action) {
    const names = [...selected.values()].slice(0, 3).map(recordName);
    run({ action }, (answer, ids) => {
      toast(`${action === 'delete' ? 'Deleted' : 'Restored'} ${answer.count} records${names.length ? ` (${names.join(', ')}${answer.count > 3 ? ', …' : ''})` : ''}.`,
        action === 'delete' ? {
          label: 'Undo',
          run: async () => {
            try { await api.post(`${options.collection}/bulk`, { ids, action: 'restore' }); toast('Restored.'); } catch (e) { toast(`Could not restore: ${e.message}`); }
            options.changed();
          },
        } : null);
    });
  }

  return {
    element,
    setPage(records, matching) { rows = records; total = matching; draw(); },
    isSelected: (id) => selected.has(id),
    toggle(record, checked, range) {
      const index = rows.findIndex((r) => r.id === record.id);
      const from = range && last !== null ? Math.min(last, index) : index;
      const to = range && last !== null ? Math.max(last, index) : index;
      for (const r of rows.slice(from, to + 1)) {
        if (checked && selected.size < BULK_MAX) selected.set(r.id, r);
        else if (!checked) selected.delete(r.id);
      }
      last = index;
      draw();
    },
    pageSelected(checked) {
      for (const r of rows) {
        if (checked && selected.size < BULK_MAX) selected.set(r.id, r);
        else if (!checked) selected.delete(r.id);
      }
      draw();
    },
    clear,
  };
}
