// The filters of a list, shared by tables and boards: for every enumerated
// field (and the owner, for admins) a menu of values, any several at once;
// for every date field the list filters on, a range.  A filter's value is
// what the list API takes: "a,b" or "FROM..TO".
//
// filterBar(spec, {fixed, values, onChange}) → {nodes, set(values)}

import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { teamUsers, isAdmin } from '../session.js';

export function filterChoices(field) {
  if (field.enum) return field.enum.map((v) => [v, format.label(v)]);
  if (field.references === 'users' && isAdmin()) {
    return teamUsers().map((u) => [u.id, `${u.name} (${u.email})${u.disabled ? ' · disabled' : ''}`]);
  }
  return null;
}

function summaryText(field, value, choices) {
  const name = format.label(field.name);
  if (!value) return `${name}: any`;
  if (choices) {
    const names = value.split(',').map((v) => choices.find(([c]) => c === v)?.[1] || v);
    return `${name}: ${names.join(', ')}`;
  }
  const [from, to] = value.split('..');
  return `${name}: ${from ? format.date(from) : '…'} – ${to ? format.date(to) : '…'}`;
}

export function filterBar(spec, { fixed = {}, values = {}, onChange }) {
  const controls = [];
  for (const field of spec.fields) {
    if (!spec.params[field.name] || fixed[field.name] !== undefined) continue;
    const choices = filterChoices(field);
    const date = !choices && field.format === 'date';
    if (!choices && !date) continue;
    const summary = h('summary');
    const body = h('div', { class: 'filter-body' });
    const details = h('details', { class: 'filter', dataset: { filter: field.name } }, summary, body);
    let read;
    let write;
    if (choices) {
      const boxes = choices.map(([value, text]) => {
        const id = uid('choice');
        const box = h('input', { id, type: 'checkbox', value, onchange: () => changed() });
        body.append(h('div', { class: 'filter-choice' }, box, h('label', { for: id }, text)));
        return box;
      });
      read = () => boxes.filter((b) => b.checked).map((b) => b.value).join(',');
      write = (v) => { const set = new Set((v || '').split(',')); for (const b of boxes) b.checked = set.has(b.value); };
    } else {
      const fromId = uid('from');
      const toId = uid('to');
      const from = h('input', { id: fromId, type: 'date', onchange: () => changed() });
      const to = h('input', { id: toId, type: 'date', onchange: () => changed() });
      body.append(h('div', { class: 'filter-range' },
        h('label', { for: fromId }, 'From'), from, h('label', { for: toId }, 'To'), to));
      read = () => (from.value || to.value ? `${from.value}..${to.value}` : '');
      write = (v) => { const [a = '', b = ''] = (v || '').split('..'); from.value = a; to.value = b; };
    }
    body.append(h('button', { type: 'button', class: 'link', onclick: () => { write(''); changed(); } }, 'Any'));
    const show = () => {
      summary.textContent = summaryText(field, read(), choices);
      summary.setAttribute('aria-label', `Filter by ${summary.textContent}`);
      details.classList.toggle('active', Boolean(read()));
    };
    function changed() { show(); onChange(field.name, read()); }
    write(values[field.name]);
    show();
    controls.push({ name: field.name, details, set: (v) => { write(v); show(); } });
  }
  // One menu open at a time; a click elsewhere closes it.
  for (const c of controls) {
    c.details.addEventListener('toggle', () => {
      if (c.details.open) for (const o of controls) if (o !== c) o.details.open = false;
    });
  }
  return {
    nodes: controls.map((c) => c.details),
    names: controls.map((c) => c.name),
    set(all) { for (const c of controls) c.set(all[c.name] || ''); },
  };
}
