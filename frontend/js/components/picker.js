// A partner picker that searches: a combobox (ARIA 1.2) whose options are
// asked of the server as the user types, after a pause (?q=, the company
// only, 20 at most), never a list of every partner.  Arrow keys move through
// the options (or open them), Enter or a click picks one, Esc closes them;
// leaving the box puts back the name of what is picked.
//
// partnerPicker({id, name, value, label, nullable, describedBy, disabled, onChange}) →
//   {input, element, read() → id or null, label() → its company, set(id, label)}

import { api } from '../api.js';
import { h, uid } from '../dom.js';

const LIMIT = 20;
const PAUSE_MS = 200;

export function partnerPicker({ id = uid('picker'), name = 'partnerId', value = null, label = '', nullable = true,
  describedBy = null, disabled = false, onChange = null } = {}) {
  const listId = uid('picker-list');
  const input = h('input', {
    id, name, type: 'text', role: 'combobox', autocomplete: 'off', disabled,
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    'aria-describedby': describedBy, placeholder: 'Type to search partners…', value: label,
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', hidden: true });
  const status = h('span', { class: 'visually-hidden', role: 'status' });
  let chosen = value;
  let chosenLabel = label;
  let options = [];
  let active = -1;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    for (const [i, node] of [...list.children].entries()) node.setAttribute('aria-selected', String(i === index));
    const node = list.children[index];
    if (node) {
      input.setAttribute('aria-activedescendant', node.id);
      node.scrollIntoView({ block: 'nearest' });
    }
  }

  function pick(option) {
    const changed = option.id !== chosen;
    chosen = option.id;
    chosenLabel = option.company;
    input.value = option.company;
    close();
    if (changed) onChange?.(chosen);
  }

  async function search() {
    const mine = ++asked;
    const q = input.value.trim();
    let page;
    try {
      page = await api.get('partners', { ...(q ? { q } : {}), sort: 'company', limit: LIMIT, fields: 'company' });
    } catch {
      return;
    }
    if (mine !== asked || document.activeElement !== input) return;   /* a later search, or the user left */
    options = page.items;
    list.replaceChildren(...options.map((option, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false',
      onmousedown: (event) => event.preventDefault(),   /* keep the focus in the box */
      onclick: () => pick(option),
    }, option.company)));
    if (!options.length) list.append(h('li', { class: 'picker-empty', 'aria-disabled': 'true' }, q ? `No partner matches “${q}”` : 'No partner yet'));
    if (page.total > options.length) list.append(h('li', { class: 'picker-more muted', 'aria-disabled': 'true' }, `${page.total - options.length} more: type to narrow`));
    status.textContent = `${page.total} partner${page.total === 1 ? '' : 's'}`;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(options.length ? 0 : -1);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(search, PAUSE_MS);
  }

  input.addEventListener('input', () => {
    if (!input.value.trim() && nullable && chosen !== null) { chosen = null; chosenLabel = ''; onChange?.(null); }
    later();
  });
  input.addEventListener('focus', () => input.select());
  input.addEventListener('click', () => { if (list.hidden) search(); });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (list.hidden) { search(); return; }
      if (!options.length) return;
      highlight((active + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (event.key === 'Enter' && !list.hidden) {
      event.preventDefault();   /* picks; does not submit the form */
      if (options[active]) pick(options[active]);
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault();
      event.stopPropagation();   /* closes the list, not the dialog around it */
      close();
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    asked++;
    close();
    input.value = chosenLabel;
  });

  return {
    input,
    element: h('div', { class: 'picker' }, input, list, status),
    read: () => chosen,
    label: () => chosenLabel,
    set(newId, newLabel = '') {
      chosen = newId ?? null;
      chosenLabel = chosen ? newLabel : '';
      input.value = chosenLabel;
    },
  };
}
