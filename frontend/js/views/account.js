// Your account, for every user: change your password, and your API tokens
// (create one, its value shown once; see when each was last used; revoke).

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { confirmAction } from '../components/confirm.js';
import { showOnce } from '../components/shown_once.js';
import { toast } from '../components/toast.js';
import { me } from '../session.js';
import { pageHeading, section } from './common.js';

function passwordForm() {
  const ids = { current: uid('current'), next: uid('new'), ends: uid('ends') };
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    class: 'record-form narrow',
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      const data = new FormData(form);
      try {
        await api.post('me/password', { currentPassword: data.get('currentPassword'), newPassword: data.get('newPassword'),
          endTokens: data.get('endTokens') === 'on' });
        form.reset();
        toast('Your password is changed; your other sessions have ended.');
      } catch (e) {
        error.textContent = Object.entries(e.fields || {}).map(([k, v]) => `${format.label(k)}: ${v}`).join('; ') || e.message;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: ids.current }, 'Current password'),
    h('input', { id: ids.current, name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true })),
  h('div', { class: 'field' }, h('label', { for: ids.next }, 'New password'),
    h('input', { id: ids.next, name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 })),
  h('div', { class: 'field field-check' }, h('input', { id: ids.ends, name: 'endTokens', type: 'checkbox' }),
    h('label', { for: ids.ends }, 'Also revoke every API token')),
  error,
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Change password')));
  return form;
}

function tokens() {
  const body = h('tbody');
  const shown = h('div', { class: 'token-shown', hidden: true, role: 'status' });
  async function reload() {
    const { items } = await api.get('me/tokens');
    body.replaceChildren(...(items.length ? items.map((t) => h('tr', null,
      h('td', null, t.name), h('td', null, format.timestamp(t.createdAt)),
      h('td', null, t.lastUsedAt ? format.timestamp(t.lastUsedAt) : 'never'),
      h('td', { class: 'actions' }, h('button', {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (!await confirmAction({ title: `Revoke “${t.name}”?`, text: 'Scripts that use this token stop working at once.', action: 'Revoke' })) return;
          try { await api.del(`me/tokens/${t.id}`); toast(`Revoked “${t.name}”.`); } catch (e) { toast(e.message); }
          if (shown.dataset.id === t.id) shown.hidden = true;
          reload();
        },
      }, 'Revoke'))))
      : [h('tr', { class: 'empty' }, h('td', { colspan: 4 }, 'No API tokens.'))]));
  }
  const nameId = uid('token-name');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    class: 'inline-form',
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        const made = await api.post('me/tokens', { name: form.elements.name.value.trim() });
        form.reset();
        showOnce(shown, { title: `The token “${made.name}”:`, text: 'copy it now, it is not shown again.', value: made.token });
        shown.dataset.id = made.id;
        reload();
      } catch (e) {
        error.textContent = Object.values(e.fields || {}).join('; ') || e.message;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: nameId }, 'Token name'), h('input', { id: nameId, name: 'name', required: true, maxlength: 100 })),
  h('button', { type: 'submit', class: 'primary' }, 'Create token'), error);
  reload();
  return [shown, h('div', { class: 'table-scroll' }, h('table', null, h('caption', { class: 'visually-hidden' }, 'Your API tokens'),
    h('thead', null, h('tr', null, ['Name', 'Created', 'Last used', ''].map((t) => h('th', { scope: 'col' }, t)))), body)), form];
}

export default {
  title: 'Your account',
  notInNav: true,   /* reached from the user's name in the header */
  render(main) {
    const user = me();
    main.append(
      pageHeading('Your account', `${user.name} · ${user.email}`),
      section('Password', 'Changing it ends your other sessions.', passwordForm()),
      section('API tokens', 'For scripts: send one as Authorization: Bearer. A token acts as you.', tokens()));
  },
};
