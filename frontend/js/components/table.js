// The data table: sortable columns, a filter for every enumerated field,
// text search, paging, the row count, loading / empty / error states.  A row
// (click or Enter) opens the record.
//
// dataTable({collection, columns, query, sort, title, onOpen, actions, empty})
//   columns: field names, or {field, label} to rename a column
//   query:   fixed list parameters (e.g. {direction: 'inbound'})
//   actions: (record, reload) => node, an extra last cell (e.g. Restore)
// Returns {element, reload}.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { collection as describe } from '../schema.js';
import { allUsers, isAdmin } from '../session.js';
import { isNumeric, valueNode } from './value.js';

const PAGE = 25;

export function dataTable(options) {
  const spec = describe(options.collection);
  const fixed = options.query || {};
  const columns = options.columns.map((c) => {
    const column = typeof c === 'string' ? { field: c } : c;
    const field = spec.fields.find((f) => f.name === column.field);
    if (!field) throw new Error(`${options.collection} has no field ${column.field}`);
    return { ...column, def: field, label: column.label || format.label(column.field) };
  });
  const state = { sort: options.sort || null, q: '', filters: {}, offset: 0 };
  const titleId = uid('table-title');
  const countNode = h('span', { class: 'count', 'aria-live': 'polite' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const table = h('table', { 'aria-labelledby': titleId },
    h('thead', null, h('tr', null,
      columns.map((c) => h('th', { scope: 'col', class: isNumeric(c.def) ? 'num' : null, dataset: { field: c.field } }, sortControl(c))),
      options.actions ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
    body);

  function sortControl(column) {
    if (!spec.sortable.has(column.field)) return column.label;
    return h('button', {
      type: 'button',
      class: 'sort',
      onclick: () => {
        state.sort = state.sort === column.field ? `-${column.field}` : column.field;
        state.offset = 0;
        load();
      },
    }, column.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
  }

  function showSort() {
    for (const th of table.tHead.rows[0].cells) {
      const field = th.dataset.field;
      if (!field) continue;
      const direction = state.sort === field ? 'ascending' : state.sort === `-${field}` ? 'descending' : null;
      if (direction) th.setAttribute('aria-sort', direction);
      else th.removeAttribute('aria-sort');
    }
  }

  // Toolbar: search, one select per enumerated filter not fixed by the page,
  // and an owner filter for admins.
  const toolbar = h('div', { class: 'toolbar', role: 'search' });
  if (spec.params.q) {
    const id = uid('search');
    let timer = null;
    toolbar.append(h('label', { class: 'visually-hidden', for: id }, `Search ${options.title || ''}`),
      h('input', {
        id,
        type: 'search',
        placeholder: 'Search…',
        oninput: (event) => {
          clearTimeout(timer);
          timer = setTimeout(() => { state.q = event.target.value.trim(); state.offset = 0; load(); }, 250);
        },
      }));
  }
  for (const field of spec.fields) {
    const param = spec.params[field.name];
    if (!param || fixed[field.name] !== undefined || options.filters === false) continue;
    let choices = null;
    if (field.enum) choices = field.enum.map((v) => [v, format.label(v)]);
    else if (field.references === 'users' && isAdmin()) choices = allUsers().map((u) => [u.id, u.name]);
    if (!choices) continue;
    const id = uid('filter');
    toolbar.append(h('label', { class: 'visually-hidden', for: id }, `Filter by ${format.label(field.name)}`),
      h('select', {
        id,
        dataset: { filter: field.name },
        onchange: (event) => { state.filters[field.name] = event.target.value; state.offset = 0; load(); },
      }, h('option', { value: '' }, `Any ${format.label(field.name).toLowerCase()}`),
      choices.map(([value, text]) => h('option', { value }, text))));
  }
  toolbar.append(countNode);

  const header = h('div', { class: 'table-head' },
    h(options.headingLevel || 'h3', { id: titleId }, options.title || format.label(options.collection)),
    options.headerExtra || null);

  const element = h('section', { class: 'data-table', dataset: { collection: options.collection } },
    header, toolbar, h('div', { class: 'table-scroll' }, table), pager);

  function message(text, kind) {
    body.replaceChildren(h('tr', { class: kind }, h('td', { colspan: columns.length + (options.actions ? 1 : 0) }, text)));
  }

  let generation = 0;
  async function load() {
    const mine = ++generation;
    table.setAttribute('aria-busy', 'true');
    if (!body.rows.length || body.rows[0].classList.contains('empty')) message('Loading…', 'loading');
    showSort();
    try {
      const query = { ...fixed, limit: options.limit || PAGE, offset: state.offset, sort: state.sort, q: state.q };
      for (const [name, value] of Object.entries(state.filters)) if (value) query[name] = value;
      const page = await api.get(options.collection, query);
      if (mine !== generation) return;
      render(page);
    } catch (e) {
      if (mine !== generation) return;
      message(`Could not load: ${e.message}`, 'error');
    } finally {
      if (mine === generation) table.removeAttribute('aria-busy');
    }
  }

  function render(page) {
    const [one, many] = options.noun || [format.label(options.collection).toLowerCase().replace(/s$/, ''), format.label(options.collection).toLowerCase()];
    countNode.textContent = `${format.number(page.total)} ${page.total === 1 ? one : many}`;
    if (!page.items.length) {
      message(state.q || Object.values(state.filters).some(Boolean) ? 'Nothing matches these filters.' : (options.empty || 'Nothing here yet.'), 'empty');
    } else {
      body.replaceChildren(...page.items.map((record) => row(record)));
    }
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.items.length;
    pager.replaceChildren(
      h('span', null, `${format.number(first)}–${format.number(last)} of ${format.number(page.total)}`),
      h('button', { type: 'button', disabled: page.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - (options.limit || PAGE)); load(); } }, 'Previous'),
      h('button', { type: 'button', disabled: last >= page.total, onclick: () => { state.offset += options.limit || PAGE; load(); } }, 'Next'));
    pager.hidden = page.total <= (options.limit || PAGE);
  }

  function row(record) {
    const open = options.onOpen ? () => options.onOpen(record, load) : null;
    return h('tr', {
      tabindex: open ? 0 : null,
      class: open ? 'clickable' : null,
      dataset: { id: record.id || record.partnerId },
      onclick: open ? (event) => { if (!event.target.closest('button, a, input')) open(); } : null,
      onkeydown: open ? (event) => { if (event.key === 'Enter' && event.target === event.currentTarget) open(); } : null,
    },
    columns.map((c) => h('td', { class: isNumeric(c.def) ? 'num' : null }, c.render ? c.render(record) : valueNode(c.def, record[c.field], record))),
    options.actions ? h('td', { class: 'actions' }, options.actions(record, load)) : null);
  }

  load();
  return { element, reload: load };
}
