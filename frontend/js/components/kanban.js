// The kanban board: a column per status in pipeline order, each with its
// count and revenue sum.  Dragging a card to another column changes its
// status (PATCH with If-Match); so do the arrow keys on a focused card.  If
// someone else changed the record first, the board shows their change and
// does not overwrite it.
//
// kanban({collection, title, onOpen, subtitle(item), onMoved(item)}) → {element, reload}

import { api, ApiError } from '../api.js';
import { announce, h, uid } from '../dom.js';
import * as format from '../format.js';
import { field } from '../schema.js';
import { toast } from './toast.js';
import { recordName } from './panel.js';
import { valueText } from './value.js';

export function kanban(options) {
  const statusField = field(options.collection, 'status');
  const helpId = uid('board-help');
  const titleId = uid('board-title');
  const board = h('div', { class: 'board', 'aria-busy': 'true' });
  const element = h('section', { class: 'kanban', 'aria-labelledby': titleId, dataset: { collection: options.collection } },
    h('h3', { id: titleId }, options.title),
    h('p', { id: helpId, class: 'muted small' }, 'Drag a card to another column to change its status, or focus a card and press ← or →. Enter opens it.'),
    board);
  let columns = [];

  async function load(focusId = null) {
    board.setAttribute('aria-busy', 'true');
    try {
      const answer = await api.get(`boards/${options.collection}`, options.query);
      columns = answer.columns;
      render();
      if (focusId) board.querySelector(`[data-id="${CSS.escape(focusId)}"]`)?.focus();
    } catch (e) {
      board.replaceChildren(h('p', { class: 'form-error' }, `Could not load the board: ${e.message}`));
    } finally {
      board.removeAttribute('aria-busy');
    }
  }

  function render() {
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
          if (id) move(id, index);
        },
      },
      h('header', null,
        h('h4', { id: headingId }, h('span', { class: `badge badge-${column.status}` }, format.label(column.status))),
        h('p', { class: 'column-figures' },
          h('span', { class: 'column-count', 'aria-label': `${column.count} cards` }, format.number(column.count)),
          column.revenue ? h('span', { class: 'column-revenue' }, format.moneyCompact(column.revenue)) : null)),
      list,
      more > 0 ? h('p', { class: 'muted small' }, `and ${format.number(more)} more`) : null);
    }));
  }

  function card(item, columnIndex) {
    return h('li', {
      class: 'card kanban-card',
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
      onclick: () => options.onOpen?.(item),
      onkeydown: (event) => {
        if (event.key === 'Enter') { event.preventDefault(); options.onOpen?.(item); }
        if (event.key === 'ArrowRight' && columnIndex < columns.length - 1) { event.preventDefault(); move(item.id, columnIndex + 1); }
        if (event.key === 'ArrowLeft' && columnIndex > 0) { event.preventDefault(); move(item.id, columnIndex - 1); }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          const sibling = event.key === 'ArrowDown' ? event.currentTarget.nextElementSibling : event.currentTarget.previousElementSibling;
          sibling?.focus();
        }
      },
    },
    h('strong', null, recordName(item)),
    options.subtitle ? h('span', { class: 'muted small' }, options.subtitle(item)) : null);
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

  load();
  return { element, reload: load };
}
