// A secret shown once, where it can be copied: an invitation link or an API
// token (the server keeps only its hash).
//
// showOnce(box, {title, text, value}) fills box (a .token-shown) and shows it.

import { h } from '../dom.js';
import { toast } from './toast.js';

export function showOnce(box, { title, text, value }) {
  const shown = h('code', { class: 'token-value' }, value);
  box.replaceChildren(
    h('p', null, h('strong', null, title), ' ', text),
    shown,
    h('button', {
      type: 'button',
      onclick: () => navigator.clipboard?.writeText(value).then(() => toast('Copied.'),
        () => { getSelection().selectAllChildren(shown); toast('Press Ctrl+C to copy: the browser did not allow copying.'); }),
    }, 'Copy'));
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}
