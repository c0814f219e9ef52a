// Users (admins): who can sign in, with which role; add, rename, change
// role, disable (which ends their sessions and tokens at once).

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { toast } from '../components/toast.js';
import { confirmAction } from '../components/confirm.js';
import { loadUsers, me } from '../session.js';
import { pageHeading, section } from './common.js';

export default {
  title: 'Users',
  adminOnly: true,
  render(main) {
    const body = h('tbody');
    async function reload() {
      const { items } = await api.get('users');
      await loadUsers();
      body.replaceChildren(...items.map((u) => {
        const roleId = uid('role');
        const role = h('select', { id: roleId, disabled: u.id === me().id },
          ['member', 'admin'].map((r) => h('option', { value: r, selected: u.role === r }, format.label(r))));
        role.addEventListener('change', async () => {
          try { await api.patch(`users/${u.id}`, { role: role.value }); toast(`${u.name} is now ${role.value}.`); } catch (e) { toast(e.message); }
          reload();
        });
        return h('tr', null,
          h('td', null, u.name), h('td', null, u.email),
          h('td', null, h('label', { class: 'visually-hidden', for: roleId }, `Role of ${u.name}`), role),
          h('td', null, u.disabled ? 'Disabled' : 'Active'),
          h('td', null, u.id === me().id ? null : h('button', {
            type: 'button',
            onclick: async () => {
              if (!u.disabled && !await confirmAction({
                title: `Disable ${u.name}?`,
                text: `${u.name} (${u.email}) can no longer sign in; their sessions and API tokens end at once. Their partners stay theirs until you reassign them.`,
                action: 'Disable',
              })) return;
              try { await api.patch(`users/${u.id}`, { disabled: !u.disabled }); } catch (e) { toast(e.message); }
              reload();
            },
          }, u.disabled ? 'Enable' : 'Disable')));
      }));
    }
    const ids = { email: uid('email'), name: uid('name'), role: uid('role'), password: uid('password') };
    const error = h('p', { class: 'form-error', role: 'alert' });
    const form = h('form', {
      class: 'inline-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        const data = Object.fromEntries(new FormData(form));
        if (!data.password) {   /* without one the user could never sign in */
          error.textContent = 'Password: give the new user a first password (they can change it under Your account).';
          form.elements.password.focus();
          return;
        }
        try {
          const user = await api.post('users', data);
          toast(`Added ${user.name}.`);
          form.reset();
          reload();
        } catch (e) {
          error.textContent = Object.entries(e.fields || {}).map(([k, v]) => `${format.label(k)}: ${v}`).join('; ') || e.message;
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: ids.name }, 'Name'), h('input', { id: ids.name, name: 'name', required: true })),
    h('div', { class: 'field' }, h('label', { for: ids.email }, 'Email'), h('input', { id: ids.email, name: 'email', type: 'email', required: true })),
    h('div', { class: 'field' }, h('label', { for: ids.role }, 'Role'), h('select', { id: ids.role, name: 'role' }, h('option', { value: 'member' }, 'Member'), h('option', { value: 'admin' }, 'Admin'))),
    h('div', { class: 'field' }, h('label', { for: ids.password }, 'Password'), h('input', { id: ids.password, name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'aria-required': 'true' })),
    h('button', { type: 'submit', class: 'primary' }, 'Add user'), error);
    main.append(
      pageHeading('Users', 'Members see and change their own partners; admins see everything and can reassign.'),
      h('section', { class: 'block' }, h('div', { class: 'table-scroll' }, h('table', null, h('caption', { class: 'visually-hidden' }, 'Users'),
        h('thead', null, h('tr', null, ['Name', 'Email', 'Role', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))), body))),
      section('Add a user', null, form));
    reload();
  },
};
