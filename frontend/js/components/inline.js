// Editing a table's cell in place, as in a spreadsheet: its ✎ (or Enter or
// F2 on the cell, reached with the arrow keys from its row) opens an editor
// of the field's kind; Enter or Tab saves (a PATCH of that field with
// If-Match), Esc puts it back.  What the server refuses is said in the
// cell; if someone else changed the record first, the cell shows their
// value and yours and lets you choose, as the record panel does.
//
// editableCell(td, {collection, field, record(), saved(record), render(record)})

import { api, ApiError } from '../api.js';
import { h } from '../dom.js';
import * as format from '../format.js';
import { teamUsers } from '../session.js';
import { valueText } from './value.js';

// The fields a cell can edit: text, numbers, dates, choices and owners.
export function editableInPlace(field) {
  if (field.readOnly || field.record) return false;
  if (field.references && field.references !== 'users') return false;
  return ['string', 'integer', 'number'].includes(field.type) && field.name !== 'notes';
}

function editor(field, value) {
  if (field.enum || field.references === 'users') {
    const choices = field.enum ? field.enum.map((v) => [v, format.label(v)])
      : teamUsers().filter((u) => !u.disabled || u.id === value).map((u) => [u.id, `${u.name} (${u.email})`]);
    const input = h('select', null, field.nullable ? h('option', { value: '' }, '—') : null,
      choices.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
    return { input, read: () => input.value || null };
  }
  if (field.type === 'integer' || field.type === 'number') {
    const input = h('input', { type: 'number', step: field.type === 'integer' ? 1 : 0.01, value: value ?? '' });
    return { input, read: () => (input.value === '' ? null : Number(input.value)), bad: () => input.validity.badInput && 'must be a number' };
  }
  if (field.format === 'date') {
    const input = h('input', { type: 'date', value: value ?? '' });
    return { input, read: () => input.value || null, bad: () => input.validity.badInput && 'must be a real date' };
  }
  if (field.format === 'date-time') return null;
  const input = h('input', { type: 'text', value: value ?? '' });
  return { input, read: () => (input.value.trim() === '' ? null : input.value) };
}

// The next editable cell from td: across (step ±1 in its row) or down (±1 row, same column).
export function moveCell(td, across, down) {
  const row = td.parentElement;
  if (across) {
    const cells = [...row.querySelectorAll('td[data-editable]')];
    return cells[cells.indexOf(td) + across] || null;
  }
  const index = [...row.children].indexOf(td);
  const other = down > 0 ? row.nextElementSibling : row.previousElementSibling;
  const cell = other?.children[index];
  return cell?.dataset.editable !== undefined ? cell : null;
}

export function editableCell(td, options) {
  const { field } = options;
  const label = format.label(field.name);
  let editing = false;

  function show(record) {
    td.replaceChildren(options.render(record),
      h('button', { type: 'button', class: 'cell-edit', tabindex: -1, 'aria-label': `Edit ${label}`, onclick: () => edit() }));
  }

  function edit(conflict = null) {
    if (editing) return;
    const record = options.record();
    const control = editor(field, conflict ? conflict.mine : record[field.name]);
    if (!control) return;
    editing = true;
    const message = h('span', { class: 'cell-error', role: 'alert' });
    control.input.setAttribute('aria-label', label);
    let done = false;
    const finish = async (how, move) => {
      if (done) return;
      if (how === 'cancel') { done = true; editing = false; show(options.record()); td.focus(); return; }
      const problem = control.bad?.();
      if (problem) { message.textContent = problem; control.input.setAttribute('aria-invalid', 'true'); control.input.focus(); return; }
      const value = control.read();
      const current = options.record();
      if (JSON.stringify(value ?? null) === JSON.stringify(current[field.name] ?? null)) {
        done = true; editing = false; show(current); (move || td).focus(); return;
      }
      done = true;
      try {
        const saved = await api.patch(`${options.collection}/${current.id}`, { [field.name]: value }, current.version);
        editing = false;
        options.saved(saved);
        show(saved);
        td.classList.add('cell-saved');
        setTimeout(() => td.classList.remove('cell-saved'), 1200);
        (move || td).focus();
      } catch (e) {
        done = false;
        if (e instanceof ApiError && e.status === 412 && e.current) {
          editing = false;
          showConflict(e.current, value);
          return;
        }
        message.textContent = e.fields?.[field.name] || Object.values(e.fields || {})[0] || e.message;
        control.input.setAttribute('aria-invalid', 'true');
        control.input.focus();
      }
    };
    control.input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); finish('cancel'); }
      else if (event.key === 'Enter') { event.preventDefault(); event.stopPropagation(); finish('save'); }
      else if (event.key === 'Tab') { event.preventDefault(); finish('save', moveCell(td, event.shiftKey ? -1 : 1, 0)); }
      event.stopPropagation();
    });
    control.input.addEventListener('blur', () => setTimeout(() => { if (editing && !td.contains(document.activeElement)) finish('save'); }, 0));
    control.input.addEventListener('click', (event) => event.stopPropagation());
    td.replaceChildren(control.input, message);
    control.input.focus();
    control.input.select?.();
  }

  // Someone else saved first: theirs and mine, and the choice.
  function showConflict(theirs, mine) {
    options.saved(theirs);
    const text = (v) => valueText(field, v, theirs) || '—';
    td.replaceChildren(h('div', { class: 'cell-conflict', role: 'alert' },
      h('span', null, `Changed meanwhile: ${text(theirs[field.name])} (yours: ${text(mine)})`),
      h('button', { type: 'button', onclick: (event) => { event.stopPropagation(); show(theirs); td.focus(); } }, 'Keep theirs'),
      h('button', { type: 'button', class: 'primary', onclick: (event) => { event.stopPropagation(); show(theirs); edit({ mine }); } }, 'Edit mine')));
    td.querySelector('button').focus();
  }

  td.dataset.editable = '';
  td.tabIndex = -1;
  td.addEventListener('keydown', (event) => {
    if (editing || event.target !== td) return;
    if (event.key === 'Enter' || event.key === 'F2') { event.preventDefault(); event.stopPropagation(); edit(); }
    else if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); td.parentElement.focus(); }
    else {
      const next = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[event.key];
      if (next) {
        event.preventDefault();
        event.stopPropagation();
        moveCell(td, ...next)?.focus();
      }
    }
  });
  show(options.record());
}
