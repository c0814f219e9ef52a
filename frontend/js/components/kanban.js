// The kanban board: a column per status in pipeline order, each with its
// count and revenue sum, the same filters and search as the table, and a
// quick add at the top of each column (a new record in that status).
// Dragging a card to another column changes its status (PATCH with
// If-Match): with a mouse, by touch (press and hold, then move), or with
// the arrow keys on a focused card.  Several cards are selected with their
// boxes (or Ctrl/⌘-click, or Space on a focused card) and move together,
// all or none (POST /C/bulk with each card's version), with Undo.  If
// someone else changed a record first, the board shows their change and
// does not overwrite it.  The
// filters are in the address (url.js), under the board's key.
//
// kanban({collection, title, key, onOpen, onAdd(status), subtitle(item), cardFields, onMoved(item)}) → {element, reload}
// A card is fetched with only what it shows (?fields=): its name and version
// (its status is its column's), and cardFields (what subtitle reads); a card
// opens the whole record.

import { api, ApiError } from '../api.js';
import { announce, h, uid } from '../dom.js';
import * as format from '../format.js';
import { collection as describe, field } from '../schema.js';
import * as url from '../url.js';
import { filterBar } from './filters.js';
import { viewsMenu } from './views.js';
import { slug } from './table.js';
import { toast } from './toast.js';
import { NAME_FIELDS, recordName } from './panel.js';
import { valueText } from './value.js';

export function kanban(options) {
  const statusField = field(options.collection, 'status');
  const helpId = uid('board-help');
  const titleId = uid('board-title');
  const board = h('div', { class: 'board', 'aria-busy': 'true' });
  const key = options.key || slug(options.title || options.collection);
  const spec = describe(options.collection);
  const filters = url.tableState(key);
  const toolbar = h('div', { class: 'board-toolbar', role: 'search' });
  if (spec.params.q) {
    const id = uid('board-search');
    let timer = null;
    toolbar.append(h('label', { class: 'visually-hidden', for: id }, `Search ${options.title}`),
      h('input', {
        id, type: 'search', placeholder: 'Search the board…', value: filters.q || '',
        oninput: (event) => {
          clearTimeout(timer);
          timer = setTimeout(() => { filters.q = event.target.value.trim(); changed(); }, 250);
        },
      }));
  }
  // The board's columns are its statuses: every other filter of the table.
  const bar = filterBar(spec, { fixed: { ...(options.query || {}), [statusField.name]: '' }, values: filters,
    onChange: (name, value) => { filters[name] = value; changed(); } });
  toolbar.append(...bar.nodes);
  // Saved views of the board: its filters and search (the columns are its statuses).
  const views = viewsMenu({
    collection: options.collection,
    kind: 'board',
    tableKey: key,
    selected: filters.view || null,
    current: () => ({ query: boardQuery(), columns: [] }),
    apply: (view) => {
      for (const name of Object.keys(filters)) delete filters[name];
      for (const [name, value] of new URLSearchParams(view?.query || '')) filters[name] = value;
      if (view) filters.view = view.id;
      bar.set(filters);
      const search = toolbar.querySelector('input[type="search"]');
      if (search) search.value = filters.q || '';
      url.setTableState(key, filters);
      load();
    },
  });
  function boardQuery() {
    const q = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value && name !== 'view') q.set(name, value);
    return q.toString();
  }
  function changed() { views.edited(); url.setTableState(key, filters); load(); }
  const element = h('section', { class: 'kanban', 'aria-labelledby': titleId, dataset: { collection: options.collection, table: key } },
    h('div', { class: 'table-head' }, h('h3', { id: titleId }, options.title), views.element),
    toolbar,
    h('p', { id: helpId, class: 'muted small' }, 'Drag a card to another column to change its status (on a touch screen, press and hold it first), or focus a card and press ← or →. Enter opens it. Tick several cards (or Space on a card) to move them together.'),
    selectionBar(),
    board);
  let columns = [];
  const selected = new Set();   /* card ids */

  // "N selected: Move to [status] · Clear", shown while cards are ticked.
  function selectionBar() {
    const moveId = uid('board-move');
    const count = h('strong', { class: 'selection-count' });
    const target = h('select', { id: moveId });
    const bar = h('div', { class: 'bulk-bar board-selection', hidden: true, role: 'region', 'aria-label': 'Selected cards' },
      count,
      h('label', { for: moveId }, 'Move to'), target,
      h('button', { type: 'button', class: 'primary', onclick: () => {
        const index = columns.findIndex((c) => c.status === target.value);
        if (index >= 0) moveMany([...selected], index);
      } }, 'Move'),
      h('button', { type: 'button', onclick: () => { selected.clear(); render(); } }, 'Clear'));
    bar.update = () => {
      bar.hidden = selected.size === 0;
      count.textContent = `${selected.size} selected`;
      const keep = target.value;
      target.replaceChildren(...columns.map((c) => h('option', { value: c.status }, format.label(c.status))));
      if (keep) target.value = keep;
    };
    selectionBar.node = bar;
    return bar;
  }
  function toggle(id) {
    if (selected.has(id)) selected.delete(id); else selected.add(id);
    render();
    board.querySelector(`[data-id="${CSS.escape(id)}"]`)?.focus();
  }

  async function load(focusId = null) {
    board.setAttribute('aria-busy', 'true');
    try {
      const query = { ...(options.query || {}) };
      for (const [name, value] of Object.entries(filters)) if (value && name !== 'view') query[name] = value;
      const nameField = NAME_FIELDS.find((n) => spec.fields.some((f) => f.name === n));
      query.fields = [...new Set([nameField, 'version', ...(options.cardFields || [])].filter(Boolean))].join(',');
      const answer = await api.get(`boards/${options.collection}`, query);
      columns = answer.columns;
      // A selected card that left the board (filtered out, moved by
      // someone else beyond the first cards) is no longer selected.
      const shown = new Set(columns.flatMap((c) => c.items.map((i) => i.id)));
      for (const id of [...selected]) if (!shown.has(id)) selected.delete(id);
      render();
      if (focusId) board.querySelector(`[data-id="${CSS.escape(focusId)}"]`)?.focus();
    } catch (e) {
      board.replaceChildren(h('p', { class: 'form-error' }, `Could not load the board: ${e.message}`));
    } finally {
      board.removeAttribute('aria-busy');
    }
  }

  function render() {
    selectionBar.node.update();
    board.replaceChildren(...columns.map((column, index) => {
      const headingId = uid('column');
      const list = h('ul', { class: 'cards', 'aria-labelledby': headingId },
        column.items.map((item) => card(item, index)));
      const more = column.count - column.items.length;
      return h('section', {
        class: 'column',
        dataset: { status: column.status },
        ondragover: (event) => { event.preventDefault(); event.currentTarget.classList.add('drop'); },
        ondragleave: (event) => event.currentTarget.classList.remove('drop'),
        ondrop: (event) => {
          event.preventDefault();
          event.currentTarget.classList.remove('drop');
          const id = event.dataTransfer.getData('text/plain');
          if (id) moveCard(id, index);
        },
      },
      h('header', null,
        h('h4', { id: headingId }, h('span', { class: `badge badge-${column.status}` }, format.label(column.status))),
        h('p', { class: 'column-figures' },
          h('span', { class: 'column-count', 'aria-label': `${column.count} cards` }, format.number(column.count)),
          column.revenue ? h('span', { class: 'column-revenue' }, format.moneyCompact(column.revenue)) : null)),
      options.onAdd ? h('button', { type: 'button', class: 'quick-add', onclick: () => options.onAdd(column.status) },
        `+ Add ${format.label(column.status).toLowerCase()}`) : null,
      list,
      more > 0 ? h('p', { class: 'muted small' }, `and ${format.number(more)} more`) : null);
    }));
  }

  function card(item, columnIndex) {
    const picked = selected.has(item.id);
    return h('li', {
      class: `card kanban-card${picked ? ' selected' : ''}`,
      tabindex: 0,
      draggable: 'true',
      'aria-describedby': helpId,
      dataset: { id: item.id },
      ondragstart: (event) => {
        event.dataTransfer.setData('text/plain', item.id);
        event.dataTransfer.effectAllowed = 'move';
        event.currentTarget.classList.add('dragging');
      },
      ondragend: (event) => event.currentTarget.classList.remove('dragging'),
      ontouchstart: (event) => touchStart(event, item),
      onclick: (event) => {
        if (event.target.closest('input')) return;
        if (event.ctrlKey || event.metaKey || event.shiftKey) toggle(item.id);
        else options.onOpen?.(item);
      },
      onkeydown: (event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'Enter') { event.preventDefault(); options.onOpen?.(item); }
        if (event.key === ' ') { event.preventDefault(); toggle(item.id); }
        if (event.key === 'ArrowRight' && columnIndex < columns.length - 1) { event.preventDefault(); moveCard(item.id, columnIndex + 1); }
        if (event.key === 'ArrowLeft' && columnIndex > 0) { event.preventDefault(); moveCard(item.id, columnIndex - 1); }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          const sibling = event.key === 'ArrowDown' ? event.currentTarget.nextElementSibling : event.currentTarget.previousElementSibling;
          sibling?.focus();
        }
      },
    },
    h('input', { type: 'checkbox', class: 'card-pick', checked: picked, tabindex: -1, 'aria-label': `Select ${recordName(item)}`,
      onchange: () => toggle(item.id) }),
    h('strong', null, recordName(item)),
    options.subtitle ? h('span', { class: 'muted small' }, options.subtitle(item)) : null);
  }

  // Touch: HTML5 drag and drop does not fire on most phones and tablets.
  // Press and hold a card (a short press is a tap, a quick swipe scrolls),
  // then move it onto a column and lift.
  let touch = null;
  function touchStart(event, item) {
    if (event.touches.length !== 1) return;
    const cardNode = event.currentTarget;
    const start = event.touches[0];
    touch = { item, cardNode, x: start.clientX, y: start.clientY, dragging: false,
      timer: setTimeout(() => { if (touch) { touch.dragging = true; cardNode.classList.add('touch-dragging'); } }, 300) };
  }
  board.addEventListener('touchmove', (event) => {
    if (!touch) return;
    const t = event.touches[0];
    if (!touch.dragging) {
      if (Math.abs(t.clientX - touch.x) + Math.abs(t.clientY - touch.y) > 10) { clearTimeout(touch.timer); touch = null; }
      return;
    }
    event.preventDefault();   /* dragging, not scrolling */
    for (const column of board.querySelectorAll('.column')) column.classList.remove('drop');
    document.elementFromPoint(t.clientX, t.clientY)?.closest('.column')?.classList.add('drop');
  }, { passive: false });
  board.addEventListener('touchend', (event) => {
    if (!touch) return;
    const { item, cardNode, dragging, timer } = touch;
    touch = null;
    clearTimeout(timer);
    cardNode.classList.remove('touch-dragging');
    if (!dragging) return;
    event.preventDefault();   /* no click after a drag */
    const t = event.changedTouches[0];
    const target = document.elementFromPoint(t.clientX, t.clientY)?.closest('.column');
    for (const column of board.querySelectorAll('.column')) column.classList.remove('drop');
    const index = target ? columns.findIndex((c) => c.status === target.dataset.status) : -1;
    if (index >= 0) moveCard(item.id, index);
  }, { passive: false });

  // A card moved by drag or keys: with the others selected when it is one
  // of them, else alone.
  function moveCard(id, toIndex) {
    if (selected.has(id) && selected.size > 1) moveMany([...selected], toIndex);
    else move(id, toIndex);
  }

  // Several cards at once, all or none: each with the version it was drawn
  // with, so a card someone else changed meanwhile stops the move (412, its
  // name said) rather than being overwritten.  Undo puts each back.
  async function moveMany(ids, toIndex) {
    const to = columns[toIndex].status;
    // A card's status is its column's (cards are fetched without it).
    const items = columns.flatMap((c) => c.items.map((i) => ({ ...i, status: c.status })))
      .filter((i) => ids.includes(i.id) && i.status !== to);
    if (!items.length) { selected.clear(); render(); return; }
    const versions = Object.fromEntries(items.map((i) => [i.id, i.version]));
    try {
      const answer = await api.post(`${options.collection}/bulk`, { ids: items.map((i) => i.id), set: { status: to }, versions });
      selected.clear();
      announce(`${items.length} cards moved to ${format.label(to)}`);
      const before = new Map(items.map((i) => [i.id, i.status]));
      toast(`Moved ${items.length} cards to ${format.label(to)}.`, {
        label: 'Undo',
        run: async () => {
          // Back to where each was, column by column, with the versions the move left.
          const groups = new Map();
          for (const saved of answer.items) {
            const group = groups.get(before.get(saved.id)) || [];
            group.push(saved);
            groups.set(before.get(saved.id), group);
          }
          try {
            for (const [status, group] of groups) {
              await api.post(`${options.collection}/bulk`, { ids: group.map((r) => r.id), set: { status },
                versions: Object.fromEntries(group.map((r) => [r.id, r.version])) });
            }
            toast('Undone.');
          } catch (e) {
            toast(`Could not undo: ${e.message}`);
          }
          await load();
          options.onMoved?.();
        },
      });
      await load();
      options.onMoved?.(answer.items[0]);
    } catch (e) {
      const names = (e.ids || []).map((id) => recordName(items.find((i) => i.id === id) || { id })).join(', ');
      toast(e.status === 412 ? `Not moved: someone else changed ${names} since the board was drawn; the board now shows their change.`
        : `Not moved: ${e.message}${names ? ` (${names})` : ''}`);
      await load();
    }
  }

  async function move(id, toIndex) {
    const from = columns.findIndex((c) => c.items.some((i) => i.id === id));
    if (from < 0 || from === toIndex) return;
    const item = columns[from].items.find((i) => i.id === id);
    const to = columns[toIndex].status;
    // Shown at once; put back if the server says no.
    columns[from].items = columns[from].items.filter((i) => i.id !== id);
    columns[from].count -= 1;
    columns[toIndex].items = [{ ...item, status: to }, ...columns[toIndex].items];
    columns[toIndex].count += 1;
    render();
    board.querySelector(`[data-id="${CSS.escape(id)}"]`)?.focus();
    try {
      const saved = await api.patch(`${options.collection}/${id}`, { status: to }, item.version);
      announce(`${recordName(saved)} moved to ${format.label(to)}`);
      await load(id);
      options.onMoved?.(saved);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && e.current) {
        const now = e.current;
        toast(`${recordName(now)} was changed by someone else (status: ${valueText(statusField, now.status)}); your move was not applied.`);
      } else {
        toast(`Not moved: ${e.message}`);
      }
      await load(id);
    }
  }

  if (!Object.keys(filters).length) views.applyDefault();
  load();
  return { element, reload: load };
}
