// The data table: sortable columns, filters (several values, date ranges),
// text search, paging, the row count, loading / empty / error states; the
// columns shown, their order and width; saved views.  Everything the user
// sets is in the address (url.js), under the table's key, so a reload or a
// link shows the same table.  A row (click or Enter) opens the record.
//
// dataTable({collection, columns, query, sort, title, key, onOpen, actions, empty})
//   columns: field names, or {field, label, render} for a column of the page's own
//   query:   fixed list parameters (e.g. {direction: 'inbound'})
//   key:     the table's name in the address (default: its title, slugged)
//   actions: (record, reload) => node, an extra last cell (e.g. Restore)
//   bulk:    false: no row selection (default: a collection's rows can be picked
//            and changed together, bulk.js; the page is refreshed after)
// Returns {element, reload}.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { collection as describe } from '../schema.js';
import { me } from '../session.js';
import * as url from '../url.js';
import { bulkBar, settableFields } from './bulk.js';
import { editableCell, editableInPlace } from './inline.js';
import { filterBar } from './filters.js';
import { importButton } from './importer.js';
import { viewsMenu } from './views.js';
import { isNumeric, valueNode } from './value.js';
import { NAME_FIELDS } from './panel.js';

const PAGE = 25;
const HIDDEN_FIELDS = new Set(['version', 'deletedAt']);

export const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

// Column widths are the user's own, kept in this browser.
const widthsKey = (key) => `partnerships.widths.${me()?.id}.${url.parse().page}.${key}`;

export function dataTable(options) {
  const spec = describe(options.collection);
  const key = options.key || slug(options.title || options.collection);
  const fixed = options.query || {};
  const pageColumns = options.columns.map((c) => (typeof c === 'string' ? { field: c } : c));
  const columnOf = (name) => {
    const own = pageColumns.find((c) => c.field === name) || { field: name };
    const def = spec.fields.find((f) => f.name === name);
    if (!def) return null;
    return { ...own, def, label: own.label || format.label(name) };
  };
  for (const c of pageColumns) if (!columnOf(c.field)) throw new Error(`${options.collection} has no field ${c.field}`);
  const defaultColumns = pageColumns.map((c) => c.field);

  // The state, from the address (or the defaults).
  const saved = url.tableState(key);
  const state = {
    sort: saved.sort || options.sort || null,
    q: saved.q || '',
    offset: Number(saved.offset) || 0,
    view: saved.view || null,
    columns: saved.columns ? saved.columns.split(',').filter((n) => spec.fields.some((f) => f.name === n)) : null,
    filters: {},
  };
  const filterNames = new Set(spec.fields.filter((f) => spec.params[f.name]).map((f) => f.name));
  for (const [name, value] of Object.entries(saved)) if (filterNames.has(name)) state.filters[name] = value;
  let widths = {};
  try { widths = JSON.parse(localStorage.getItem(widthsKey(key)) || '{}'); } catch { widths = {}; }

  const shownColumns = () => (state.columns?.length ? state.columns : defaultColumns).map(columnOf).filter(Boolean);

  // Export: what the table shows (its filters, sort, search and columns), every row.
  const exportLink = h('a', { class: 'button', download: `${options.collection}.csv` }, 'Export CSV');
  function exportHref() {
    const query = { ...fixed, sort: state.sort, q: state.q, columns: shownColumns().map((c) => c.field).join(',') };
    for (const [name, value] of Object.entries(state.filters)) if (value) query[name] = value;
    exportLink.href = api.href(`${options.collection}.csv`, query);
  }

  function remember() {
    exportHref();
    const out = { sort: state.sort === (options.sort || null) ? null : state.sort, q: state.q, offset: state.offset || null,
      view: state.view, columns: state.columns ? state.columns.join(',') : null };
    for (const [name, value] of Object.entries(state.filters)) if (value) out[name] = value;
    url.setTableState(key, out);
  }

  // Rows picked to change together (not on a list-only view).
  const bulk = options.bulk === false || !spec.creatable ? null : bulkBar({
    collection: options.collection,
    spec,
    trash: fixed.deleted === 'true',
    allMatching: async (limit) => (await api.get(options.collection, { ...listQuery(), limit, offset: 0 })).items,
    // The whole page follows (its board, its figures), or this table alone.
    changed: () => { if (!url.recordChanged()) load(); },
    redraw: () => {
      for (const box of body.querySelectorAll('input.pick')) box.checked = bulk.isSelected(box.dataset.id);
      const boxes = [...body.querySelectorAll('input.pick')];
      const all = headRow.querySelector('input.pick-all');
      if (all) all.checked = boxes.length > 0 && boxes.every((b) => b.checked);
    },
  });
  const extra = () => (bulk ? 1 : 0) + (options.actions ? 1 : 0);

  const titleId = uid('table-title');
  const countNode = h('span', { class: 'count', 'aria-live': 'polite' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const headRow = h('tr');
  const table = h('table', { 'aria-labelledby': titleId }, h('thead', null, headRow), body);

  function drawHead() {
    const columns = shownColumns();
    headRow.replaceChildren(
      ...(bulk ? [h('th', { scope: 'col', class: 'pick-cell' }, h('input', {
        type: 'checkbox', class: 'pick-all', 'aria-label': 'Select every row on this page',
        onchange: (event) => bulk.pageSelected(event.target.checked),
      }))] : []),
      ...columns.map((c) => {
        const inner = h('div', { class: 'th-inner', style: widths[c.field] ? `width:${widths[c.field]}px` : null }, sortControl(c));
        return h('th', {
          scope: 'col',
          class: isNumeric(c.def) ? 'num' : null,
          dataset: { field: c.field },
          draggable: 'true',
          ondragstart: (event) => { event.dataTransfer.setData('text/x-column', c.field); },
          ondragover: (event) => { if (event.dataTransfer.types.includes('text/x-column')) event.preventDefault(); },
          ondrop: (event) => {
            const from = event.dataTransfer.getData('text/x-column');
            if (from && from !== c.field) { event.preventDefault(); moveColumn(from, c.field); }
          },
        }, inner);
      }),
      ...(options.actions ? [h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions'))] : []));
    for (const inner of headRow.querySelectorAll('.th-inner')) resizing.observe(inner);
    showSort();
  }

  // A column resized by its handle keeps its width (in this browser).
  let widthTimer = null;
  const resizing = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const field = entry.target.parentElement?.dataset.field;
      if (field && entry.target.style.width) widths[field] = Math.round(entry.contentRect.width);
    }
    clearTimeout(widthTimer);
    widthTimer = setTimeout(() => localStorage.setItem(widthsKey(key), JSON.stringify(widths)), 300);
  });

  function sortControl(column) {
    if (!spec.sortable.has(column.field)) return column.label;
    return h('button', {
      type: 'button',
      class: 'sort',
      onclick: () => {
        state.sort = state.sort === column.field ? `-${column.field}` : column.field;
        state.offset = 0;
        changed();
      },
    }, column.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
  }

  function showSort() {
    for (const th of headRow.cells) {
      const field = th.dataset.field;
      if (!field) continue;
      const direction = state.sort === field ? 'ascending' : state.sort === `-${field}` ? 'descending' : null;
      if (direction) th.setAttribute('aria-sort', direction);
      else th.removeAttribute('aria-sort');
    }
  }

  // Columns: which are shown and in what order (the menu, or dragging a heading).
  function setColumns(names) {
    state.columns = names.join(',') === defaultColumns.join(',') ? null : names;
    drawHead();
    columnsMenu.draw();
    changed();
  }
  function moveColumn(from, before) {
    const names = shownColumns().map((c) => c.field).filter((n) => n !== from);
    names.splice(names.indexOf(before), 0, from);
    setColumns(names);
  }
  const columnsMenu = (() => {
    const list = h('ol', { class: 'columns-list' });
    const details = h('details', { class: 'filter columns-menu' }, h('summary', null, 'Columns'), list);
    function draw() {
      const shown = shownColumns().map((c) => c.field);
      const others = spec.fields.map((f) => f.name).filter((n) => !shown.includes(n) && !HIDDEN_FIELDS.has(n));
      list.replaceChildren(...[...shown, ...others].map((name) => {
        const id = uid('column');
        const on = shown.includes(name);
        const index = shown.indexOf(name);
        return h('li', { dataset: { column: name } },
          h('input', {
            id, type: 'checkbox', checked: on,
            disabled: on && shown.length === 1,
            onchange: (event) => setColumns(event.target.checked ? [...shown, name] : shown.filter((n) => n !== name)),
          }),
          h('label', { for: id }, format.label(name)),
          on ? h('span', { class: 'column-moves' },
            h('button', { type: 'button', class: 'icon small', 'aria-label': `Move ${format.label(name)} left`, disabled: index === 0,
              onclick: () => { const n = [...shown]; [n[index - 1], n[index]] = [n[index], n[index - 1]]; setColumns(n); list.querySelector(`[data-column="${name}"] button`)?.focus(); } }, '↑'),
            h('button', { type: 'button', class: 'icon small', 'aria-label': `Move ${format.label(name)} right`, disabled: index === shown.length - 1,
              onclick: () => { const n = [...shown]; [n[index + 1], n[index]] = [n[index], n[index + 1]]; setColumns(n); list.querySelector(`[data-column="${name}"] button:last-child`)?.focus(); } }, '↓'))
            : null);
      }), h('li', null, h('button', { type: 'button', class: 'link', onclick: () => setColumns(defaultColumns) }, 'The page’s columns')));
    }
    draw();
    return { details, draw };
  })();

  // Toolbar: search, the filters not fixed by the page, the columns menu.
  const toolbar = h('div', { class: 'toolbar', role: 'search' });
  let searchBox = null;
  if (spec.params.q) {
    const id = uid('search');
    let timer = null;
    searchBox = h('input', {
      id,
      type: 'search',
      placeholder: 'Search…',
      value: state.q,
      oninput: (event) => {
        clearTimeout(timer);
        timer = setTimeout(() => { state.q = event.target.value.trim(); state.offset = 0; changed(); }, 250);
      },
    });
    toolbar.append(h('label', { class: 'visually-hidden', for: id }, `Search ${options.title || ''}`), searchBox);
  }
  const filters = options.filters === false ? { nodes: [], set() {} } : filterBar(spec, {
    fixed,
    values: state.filters,
    onChange: (name, value) => { state.filters[name] = value; state.offset = 0; changed(); },
  });
  toolbar.append(...filters.nodes, columnsMenu.details, countNode);

  // Saved views: the menu applies one to this table's state.
  const views = viewsMenu({
    collection: options.collection,
    kind: 'table',
    tableKey: key,
    selected: state.view,
    current: () => ({ query: queryString(), columns: state.columns || [] }),
    apply: (view) => applyView(view),
  });

  function queryString() {
    const q = new URLSearchParams();
    for (const [name, value] of Object.entries(state.filters)) if (value) q.set(name, value);
    if (state.q) q.set('q', state.q);
    if (state.sort) q.set('sort', state.sort);
    return q.toString();
  }

  function applyView(view) {
    const q = new URLSearchParams(view?.query || '');
    state.view = view?.id || null;
    state.sort = q.get('sort') || options.sort || null;
    state.q = q.get('q') || '';
    state.filters = {};
    for (const [name, value] of q) if (filterNames.has(name)) state.filters[name] = value;
    state.columns = view?.columns?.length ? view.columns.filter((n) => spec.fields.some((f) => f.name === n)) : null;
    state.offset = 0;
    if (searchBox) searchBox.value = state.q;
    filters.set(state.filters);
    drawHead();
    columnsMenu.draw();
    remember();
    load();
  }

  // A change by the user: the address follows, the view applied is edited.
  function changed() {
    views.edited();
    remember();
    load();
  }

  const header = h('div', { class: 'table-head' },
    h(options.headingLevel || 'h3', { id: titleId }, options.title || format.label(options.collection)),
    h('div', { class: 'table-actions' }, views.element, options.csv === false ? null : exportLink,
      options.csv === false || !spec.creatable || fixed.deleted === 'true' ? null
        : importButton(options.collection, () => { if (!url.recordChanged()) load(); })),
    options.headerExtra || null);

  const element = h('section', { class: 'data-table', dataset: { collection: options.collection, table: key } },
    header, toolbar, bulk?.element || null, h('div', { class: 'table-scroll' }, table), pager);

  const self = { element, reload: load };

  function message(text, kind) {
    body.replaceChildren(h('tr', { class: kind }, h('td', { colspan: shownColumns().length + extra() }, text)));
  }

  function listQuery() {
    const query = { ...fixed, sort: state.sort, q: state.q, fields: fieldsWanted() };
    for (const [name, value] of Object.entries(state.filters)) if (value) query[name] = value;
    return query;
  }

  // What the rows need (?fields=): the shown columns (a partner reference
  // with its company), the record's name and version (editing in place,
  // bulk changes), what a bulk change may set (its Undo puts the old value
  // back), and what the page asks for (options.needs, a column's needs).
  function fieldsWanted() {
    const names = new Set(['id', 'version', ...(options.needs || [])]);
    const nameField = NAME_FIELDS.find((n) => spec.fields.some((f) => f.name === n));
    if (nameField) names.add(nameField);
    for (const c of shownColumns()) {
      names.add(c.field);
      if (c.def.references === 'partners') names.add('partner');
      for (const n of c.needs || []) names.add(n);
    }
    if (bulk) for (const f of settableFields(spec)) names.add(f.name);
    return [...names].filter((n) => spec.fields.some((f) => f.name === n)).join(',');
  }

  let generation = 0;
  async function load() {
    const mine = ++generation;
    table.setAttribute('aria-busy', 'true');
    if (!body.rows.length || body.rows[0].classList.contains('empty')) message('Loading…', 'loading');
    showSort();
    try {
      const page = await api.get(options.collection, { ...listQuery(), limit: options.limit || PAGE, offset: state.offset });
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
    const step = options.limit || PAGE;
    pager.replaceChildren(
      h('span', null, `${format.number(first)}–${format.number(last)} of ${format.number(page.total)}`),
      h('button', { type: 'button', disabled: page.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - step); remember(); load(); } }, 'Previous'),
      h('button', { type: 'button', disabled: last >= page.total, onclick: () => { state.offset += step; remember(); load(); } }, 'Next'));
    pager.hidden = page.total <= step && page.offset === 0;
    bulk?.setPage(page.items, page.total);
  }

  // A cell of a record's own field edits in place (inline.js); the row
  // keeps the record as last saved.
  function cell(c, get, set) {
    const td = h('td', { class: isNumeric(c.def) ? 'num' : null, dataset: { field: c.field } });
    if (!c.render && bulk && editableInPlace(c.def)) {
      editableCell(td, { collection: options.collection, field: c.def, record: get,
        saved: (r) => { set(r); url.recordChanged(self); },   /* the page's other parts follow */
        render: (r) => valueNode(c.def, r[c.field], r) });
    } else {
      td.append(c.render ? c.render(get()) : valueNode(c.def, get()[c.field], get()));
    }
    return td;
  }

  function row(record) {
    let current = record;
    const open = options.onOpen ? () => options.onOpen(current, load) : null;
    return h('tr', {
      tabindex: open ? 0 : null,
      class: open ? 'clickable' : null,
      dataset: { id: record.id || record.partnerId },
      onclick: open ? (event) => { if (!event.target.closest('button, a, input, select, .cell-conflict, .cell-error')) open(); } : null,
      onkeydown: (event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'Enter' && open) open();
        if (event.key === 'ArrowRight') {   /* into the row's cells */
          const first = event.currentTarget.querySelector('td[data-editable]');
          if (first) { event.preventDefault(); first.focus(); }
        }
      },
    },
    bulk ? h('td', { class: 'pick-cell' }, h('input', {
      type: 'checkbox', class: 'pick', dataset: { id: record.id }, checked: bulk.isSelected(record.id),
      'aria-label': `Select ${record.company || record.name || record.leadName || record.customer || record.description || record.title || 'this row'}`,
      onclick: (event) => bulk.toggle(record, event.target.checked, event.shiftKey),
    })) : null,
    shownColumns().map((c) => cell(c, () => current, (r) => { current = r; })),
    options.actions ? h('td', { class: 'actions' }, options.actions(record, load)) : null);
  }

  drawHead();
  exportHref();
  // A table the address says nothing of opens in the user's default view.
  if (!Object.keys(saved).length) views.applyDefault();
  load();
  return self;
}
