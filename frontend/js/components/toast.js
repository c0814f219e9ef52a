// Short notices at the bottom of the screen, optionally with one action
// (Undo).  They stay 8 seconds, or until the action is taken, or until
// what they offer is done elsewhere (dismissFor: a record restored from
// the trash takes its "Deleted … Undo" away).

import { h } from '../dom.js';

export function toast(text, action = null, key = null) {
  let region = document.getElementById('toasts');
  if (!region) {
    region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const note = h('div', { class: 'toast', dataset: key ? { key } : null }, h('span', null, text));
  const close = () => note.remove();
  if (action) {
    note.append(h('button', {
      type: 'button',
      onclick: async () => { close(); await action.run(); },
    }, action.label));
  }
  note.append(h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: close }, '×'));
  region.append(note);
  setTimeout(close, 8000);
  return note;
}

export function dismissFor(key) {
  for (const note of document.querySelectorAll('#toasts .toast')) if (note.dataset.key === key) note.remove();
}
