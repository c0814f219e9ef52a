// Keyboard shortcuts, for people who live in the app: / search, n new
// record, j and k through a table's rows (Enter opens one), Esc closes,
// ? lists them.  Typing in a field is never taken for a shortcut.

import { h } from '../dom.js';

const KEYS = [
  ['/', 'Search the first table of the page'],
  ['n', 'New record (the page’s first “New …” button)'],
  ['j', 'Next row of a table'],
  ['k', 'Previous row of a table'],
  ['Enter', 'Open the row'],
  ['Esc', 'Close the record or this list'],
  ['?', 'Show these shortcuts'],
];

function typing(target) {
  return target.closest?.('input, textarea, select, [contenteditable="true"]');
}

function help() {
  if (document.querySelector('dialog.shortcuts')) return;
  const dialog = h('dialog', { class: 'panel shortcuts', 'aria-labelledby': 'shortcuts-title' },
    h('header', { class: 'panel-head' },
      h('h2', { id: 'shortcuts-title' }, 'Keyboard shortcuts'),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    h('dl', { class: 'shortcut-list' }, KEYS.map(([key, what]) => [h('dt', null, h('kbd', null, key)), h('dd', null, what)])));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

// The row after (step 1) or before (-1) the focused one, in its table, or
// the first row of the page's first table.
function moveRow(step) {
  const current = document.activeElement?.closest?.('tr.clickable');
  const rows = current
    ? [...current.closest('tbody').querySelectorAll('tr.clickable')]
    : [...(document.querySelector('main tbody')?.querySelectorAll('tr.clickable') || [])];
  if (!rows.length) return;
  const index = current ? rows.indexOf(current) + step : 0;
  rows[Math.max(0, Math.min(rows.length - 1, index))].focus();
}

let installed = false;

export function shortcuts() {
  if (installed) return;
  installed = true;
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typing(event.target)) return;
    if (event.key === '?') { event.preventDefault(); help(); return; }
    if (document.querySelector('dialog[open]')) return;
    if (event.key === '/') {
      const search = document.querySelector('main input[type="search"]');
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === 'n') {
      const create = document.querySelector('main .page-actions button.primary');
      if (create) { event.preventDefault(); create.click(); }
    } else if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      moveRow(event.key === 'j' ? 1 : -1);
    }
  });
}
