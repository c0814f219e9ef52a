// The record panel: every field of a record in a form built from the schema,
// the server's validation messages beside each field, the record's history
// from the oplog, delete with undo.  A save is a PATCH of the changed fields
// with If-Match; if someone else saved first, their change is shown and
// nothing is overwritten unless the user says so.
//
// openRecord(collection, {id} | null, {defaults, onChange, heading})

import { api, ApiError } from '../api.js';
import { announce, h, uid } from '../dom.js';
import * as format from '../format.js';
import { collection as describe } from '../schema.js';
import { isAdmin, me, teamUsers, userName } from '../session.js';
import { partnerPicker } from './picker.js';
import { toast } from './toast.js';
import { valueText } from './value.js';
import { portalAccess } from './portal_access.js';

export const NAME_FIELDS = ['company', 'name', 'leadName', 'customer', 'description', 'title'];

export function recordName(record) {
  for (const name of NAME_FIELDS) if (record?.[name]) return record[name];
  return 'record';
}

// The options of reference pickers, loaded once per panel.
async function referenceOptions(target, record) {
  // Owners by name and email (names repeat); a disabled user is no new owner.
  if (target === 'users') return teamUsers().filter((u) => !u.disabled).map((u) => [u.id, `${u.name} (${u.email})`]);
  if (target === 'templates') {
    const page = await api.get('templates');
    return page.items.filter((t) => t.items.length).map((t) => [t.key, t.title]);
  }
  if (!record?.partnerId) return [];
  const page = await api.get(target, { partnerId: record.partnerId, limit: 500 });
  return page.items.map((r) => [r.id, recordName(r)]);
}

// The company of a partner a record refers to: the record's own partner
// field when it has one, else asked for (a default from the page).
async function partnerLabel(id, known) {
  if (!id) return '';
  if (known) return known;
  try {
    return (await api.get(`partners/${id}`)).company;
  } catch {
    return id;
  }
}

// One form control for a field: {row, read(), set(value), showError(text)}.
function control(field, value, options) {
  const id = uid(field.name);
  const errorId = `${id}-error`;
  const common = { id, name: field.name, 'aria-describedby': errorId, disabled: options.disabled };
  let input;
  let read;
  let set;
  let picker = null;
  if (field.references === 'partners') {
    // A partner is searched for, never chosen from a list of them all.
    picker = partnerPicker({ id, name: field.name, value, label: options.label || '', nullable: field.nullable,
      describedBy: errorId, disabled: options.disabled });
    input = picker.input;
    read = picker.read;
    set = (v) => picker.set(v, v === value ? options.label || '' : '');
  } else if (field.enum || field.references) {
    input = h('select', common);
    const choices = (field.enum || []).map((v) => [v, format.label(v)]).concat(options.choices || []);
    // An empty choice where "none" is a value, or to make a required choice visible.
    if (field.nullable || value === null || value === undefined) input.append(h('option', { value: '' }, '—'));
    for (const [v, text] of choices) input.append(h('option', { value: v }, text));
    if (value && ![...input.options].some((o) => o.value === value)) {
      input.append(h('option', { value }, field.references === 'users' ? userName(value) : value));
    }
    read = () => input.value || null;
    set = (v) => { input.value = v ?? ''; };
  } else if (field.type === 'boolean') {
    input = h('input', { ...common, type: 'checkbox' });
    read = () => input.checked;
    set = (v) => { input.checked = Boolean(v); };
  } else if (field.type === 'integer' || field.type === 'number') {
    input = h('input', { ...common, type: 'number', step: field.type === 'integer' ? 1 : 0.01, min: field.minimum, inputmode: 'decimal' });
    read = () => (input.value === '' ? null : Number(input.value));
    set = (v) => { input.value = v ?? ''; };
  } else if (field.format === 'date') {
    input = h('input', { ...common, type: 'date' });
    read = () => input.value || null;
    set = (v) => { input.value = v ?? ''; };
  } else if (field.format === 'date-time') {
    input = h('input', { ...common, type: 'datetime-local' });
    read = () => (input.value ? new Date(input.value).toISOString() : null);
    set = (v) => {
      if (!v) { input.value = ''; return; }
      const d = new Date(v);
      d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
      input.value = d.toISOString().slice(0, 16);
    };
  } else if (field.type === 'array') {
    input = h('textarea', { ...common, rows: 3, placeholder: 'One per line' });
    read = () => input.value.split('\n').map((s) => s.trim()).filter(Boolean);
    set = (v) => { input.value = (v || []).join('\n'); };
  } else if (field.type === 'object') {
    input = h('textarea', { ...common, rows: 3, placeholder: 'name: value, one per line' });
    read = () => Object.fromEntries(input.value.split('\n').map((l) => l.split(/:(.*)/s).map((s) => s?.trim()))
      .filter(([k]) => k).map(([k, v]) => [k, v || '']));
    set = (v) => { input.value = Object.entries(v || {}).map(([k, x]) => `${k}: ${x}`).join('\n'); };
  } else if (field.name === 'notes') {
    input = h('textarea', { ...common, rows: 4 });
    read = () => input.value;
    set = (v) => { input.value = v ?? ''; };
  } else {
    const type = /Email$/.test(field.name) ? 'email' : /Url$/.test(field.name) ? 'url' : /Phone$/.test(field.name) ? 'tel' : 'text';
    input = h('input', { ...common, type, autocomplete: 'off' });
    read = () => input.value;
    set = (v) => { input.value = v ?? ''; };
  }
  set(value);
  const error = h('p', { id: errorId, class: 'field-error' });
  const checkbox = field.type === 'boolean';
  const labelNode = h('label', { for: id }, format.label(field.name), field.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null);
  const row = h('div', { class: `field${checkbox ? ' field-check' : ''}`, dataset: { field: field.name } },
    checkbox ? [input, labelNode] : [labelNode, picker ? picker.element : input], error);
  if (field.required) input.setAttribute('aria-required', 'true');
  return {
    field,
    input,
    row,
    read,
    set,
    // Input the browser could not read (an impossible date, letters in a
    // number): its value would be empty, so it is an error, never sent.
    problem() {
      if (!input.validity?.badInput) return null;
      if (input.type === 'number') return 'must be a number';
      if (input.type === 'date') return 'must be a real date';
      return 'is not valid';
    },
    showError(text) {
      error.textContent = text || '';
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

function same(a, b) {
  const norm = (v) => (v === '' || v === undefined ? null : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export async function openRecord(collectionName, existing, options = {}) {
  const spec = describe(collectionName);
  let record = existing ? await api.get(`${collectionName}/${existing.id}`) : null;
  const creating = !record;
  const titleId = uid('panel-title');
  const dialog = h('dialog', { class: 'panel', 'aria-labelledby': titleId, dataset: { collection: collectionName } });
  const heading = h('h2', { id: titleId });
  const meta = h('p', { class: 'muted small' });
  const general = h('div', { class: 'form-error', role: 'alert' });
  const conflict = h('div', { class: 'conflict', role: 'alert', hidden: true });
  const figures = h('dl', { class: 'figures' });
  const form = h('form', { novalidate: true, class: 'record-form' });
  const history = h('section', { class: 'history', hidden: true, 'aria-label': 'History' });
  const portal = collectionName === 'partners' && !creating ? portalAccess(record) : null;
  const saveButton = h('button', { type: 'submit', class: 'primary' }, creating ? 'Create' : 'Save');
  const tabs = creating ? null : h('div', { class: 'tabs', role: 'tablist' },
    h('button', { type: 'button', role: 'tab', 'aria-selected': 'true', onclick: () => showTab(false) }, 'Details'),
    h('button', { type: 'button', role: 'tab', 'aria-selected': 'false', onclick: () => showTab(true) }, 'History'));
  let controls = [];

  const writable = spec.fields.filter((f) => !f.readOnly && !f.record);
  const derived = spec.fields.filter((f) => f.readOnly && !f.record && f.name !== 'partner');

  async function buildForm() {
    const base = record || { ...options.defaults };
    if (creating && collectionName === 'partners' && !base.ownerUserId) base.ownerUserId = me().id;
    controls = [];
    const rows = [];
    for (const field of writable) {
      let choices = null;
      let label = null;
      if (field.references === 'partners') label = await partnerLabel(base[field.name], base.partner);
      else if (field.references) choices = await referenceOptions(field.references, base);
      const disabled = (field.references === 'users' && !isAdmin()) || (field.name === 'templateKey' && !creating);
      const c = control(field, creating ? (base[field.name] ?? field.default ?? null) : base[field.name], { choices, disabled, label });
      controls.push(c);
      rows.push(c.row);
    }
    form.replaceChildren(...rows, general,
      h('div', { class: 'form-actions' },
        saveButton,
        creating ? null : h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete'),
        h('button', { type: 'button', onclick: () => dialog.close() }, creating ? 'Cancel' : 'Close')));
  }

  function renderHeader() {
    heading.textContent = creating ? `New ${format.label(collectionName).replace(/s$/, '').toLowerCase()}` : recordName(record);
    meta.textContent = creating ? '' : `Version ${record.version} · updated ${format.timestamp(record.updatedAt)}`;
    figures.replaceChildren(...(creating ? [] : derived.flatMap((f) => {
      const text = valueText(f, record[f.name], record);
      return text === '' ? [] : [h('div', null, h('dt', null, format.label(f.name)), h('dd', null, text))];
    })));
    figures.hidden = !figures.children.length;
  }

  function body() {
    const out = {};
    for (const c of controls) {
      if (c.input.disabled && !creating) continue;
      const value = c.read();
      if (creating) {
        const unset = value === null || value === '' || (Array.isArray(value) && !value.length);
        if (!unset && !same(value, c.field.default)) out[c.field.name] = value;
      } else if (!same(value, record[c.field.name])) {
        out[c.field.name] = value === '' ? null : value;
      }
    }
    return out;
  }

  function showErrors(error) {
    for (const c of controls) c.showError(error?.fields?.[c.field.name]);
    const unknown = Object.entries(error?.fields || {}).filter(([name]) => !controls.some((c) => c.field.name === name));
    general.textContent = error ? (unknown.length ? unknown.map(([n, m]) => `${format.label(n)}: ${m}`).join('; ') : error.message) : '';
    const first = controls.find((c) => error?.fields?.[c.field.name]);
    if (first) first.input.focus();
  }

  async function save(event, version = record?.version) {
    event?.preventDefault();
    showErrors(null);
    conflict.hidden = true;
    const changes = body();
    if (!creating && !Object.keys(changes).length && !controls.some((c) => c.problem())) { dialog.close(); return; }
    // What the browser could not read, and every missing required field, at once.
    const problems = {};
    for (const c of controls) {
      const problem = c.problem();
      if (problem) problems[c.field.name] = problem;
      else if (c.field.required && (creating ? !(c.field.name in changes) : changes[c.field.name] === null)) problems[c.field.name] = 'is required';
    }
    if (Object.keys(problems).length) {
      showErrors({ message: 'Some fields need attention.', fields: problems });
      return;
    }
    saveButton.disabled = true;
    try {
      const saved = creating
        ? await api.post(collectionName, changes)
        : await api.patch(`${collectionName}/${record.id}`, changes, version);
      toast(creating ? `Created “${recordName(saved)}”.` : `Saved “${recordName(saved)}”.`);
      record = saved;
      dialog.close();
      options.onChange?.(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && e.current) showConflict(e.current, changes);
      else showErrors(e);
    } finally {
      saveButton.disabled = false;
    }
  }

  // Someone else saved first: show what they changed; keep the user's typing.
  function showConflict(current, mine) {
    const theirs = spec.fields.filter((f) => !f.record && !same(current[f.name], record[f.name]));
    conflict.replaceChildren(
      h('p', null, h('strong', null, 'Someone else saved this record while you were editing.'),
        ' Their changes:'),
      h('ul', null, theirs.length ? theirs.map((f) => h('li', null,
        `${format.label(f.name)}: ${valueText(f, record[f.name], record) || '—'} → ${valueText(f, current[f.name], current) || '—'}`,
        f.name in mine ? ` (yours: ${valueText(f, mine[f.name], current) || '—'})` : ''))
        : h('li', null, 'no visible field changed')),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', onclick: async () => { record = current; conflict.hidden = true; renderHeader(); await buildForm(); } }, 'Take theirs'),
        h('button', {
          type: 'button',
          class: 'primary',
          onclick: () => {
            // Their version under the user's own changes: only what the user changed is sent.
            record = current;
            for (const c of controls) if (!(c.field.name in mine)) c.set(current[c.field.name]);
            renderHeader();
            save(null);
          },
        }, 'Save mine over theirs')));
    conflict.hidden = false;
    conflict.querySelector('button').focus();
  }

  async function remove() {
    try {
      await api.del(`${collectionName}/${record.id}`);
    } catch (e) {
      general.textContent = e.message;
      return;
    }
    const name = recordName(record);
    const id = record.id;
    dialog.close();
    options.onChange?.(null);
    toast(`Deleted “${name}”.`, {
      label: 'Undo',
      run: async () => {
        try {
          const restored = await api.post(`${collectionName}/${id}/restore`);
          toast(`Restored “${name}”.`);
          options.onChange?.(restored);
        } catch (e) {
          toast(`Could not restore: ${e.message}`);
        }
      },
    }, id);
  }

  async function showTab(historyTab) {
    if (!tabs) return;
    const was = tabs.children[1].getAttribute('aria-selected') === 'true';
    if (was !== historyTab) options.onTab?.(historyTab ? 'history' : null);
    tabs.children[0].setAttribute('aria-selected', String(!historyTab));
    tabs.children[1].setAttribute('aria-selected', String(historyTab));
    form.hidden = historyTab;
    if (portal) portal.hidden = historyTab;
    figures.hidden = historyTab || !figures.children.length;
    history.hidden = !historyTab;
    if (historyTab) await loadHistory();
  }

  async function loadHistory() {
    history.replaceChildren(h('p', null, 'Loading…'));
    try {
      const { items } = await api.get(`${collectionName}/${record.id}/history`);
      history.replaceChildren(h('ol', { class: 'history-list' }, items.slice().reverse().map((entry) => h('li', null,
        h('p', null, h('strong', null, entry.actor?.name || 'system'), ` ${opWords[entry.op] || entry.op} · `,
          h('time', { datetime: entry.at }, format.timestamp(entry.at))),
        entry.op === 'update' ? h('ul', null, Object.entries(entry.changes || {}).map(([name, [from, to]]) => {
          const field = spec.fields.find((f) => f.name === name) || { name, type: 'string' };
          return h('li', null, h('span', { class: 'field-name' }, format.label(name)), ': ',
            h('del', null, valueText(field, from, {}) || '—'), ' → ', h('ins', null, valueText(field, to, {}) || '—'));
        })) : null))));
    } catch (e) {
      history.replaceChildren(h('p', { class: 'form-error' }, e.message));
    }
  }

  form.addEventListener('submit', save);
  dialog.addEventListener('close', () => { dialog.remove(); options.onClose?.(); });
  dialog.showTab = showTab;
  dialog.append(
    h('header', { class: 'panel-head' },
      h('div', null, heading, meta),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    ...[tabs, conflict, figures, form, portal, history].filter(Boolean));
  renderHeader();
  await buildForm();
  document.body.append(dialog);
  dialog.showModal();
  (controls.find((c) => !c.input.disabled)?.input || saveButton).focus();
  if (options.tab === 'history') await showTab(true);
  announce(heading.textContent);
  return dialog;
}

const opWords = { insert: 'created it', update: 'changed', delete: 'deleted it', restore: 'restored it' };
