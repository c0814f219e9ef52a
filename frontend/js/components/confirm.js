// A question before something that cannot simply be taken back:
// confirmAction({title, text, action}) → Promise<boolean> (true: confirmed).

import { h, uid } from '../dom.js';

export function confirmAction({ title, text, action }) {
  return new Promise((resolve) => {
    const titleId = uid('confirm-title');
    let answer = false;
    const dialog = h('dialog', { class: 'panel confirm', 'aria-labelledby': titleId },
      h('header', { class: 'panel-head' }, h('h2', { id: titleId }, title)),
      h('p', null, text),
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'danger', onclick: () => { answer = true; dialog.close(); } }, action),
        h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('button:last-child').focus();
  });
}
