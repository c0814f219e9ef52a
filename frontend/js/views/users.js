// Users (admins): who can sign in, with which role; add (with a first
// password, or with a single-use invitation link), send a new link (a
// forgotten password), rename, change role, disable (which ends their
// sessions and tokens at once).

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { toast } from '../components/toast.js';
import { confirmAction } from '../components/confirm.js';
import { showOnce } from '../components/shown_once.js';
import { loadUsers, me } from '../session.js';
import { pageHeading, section } from './common.js';

function showLink(box, user, invite) {
  showOnce(box, {
    title: `The invitation link for ${user.name} (${user.email}):`,
    text: `send it to them; it works once, until ${format.timestamp(invite.expiresAt)}, and is not shown again.`,
    value: invite.url,
  });
}

function signInState(u) {
  if (u.disabled) return 'Disabled';
  if (u.invite) return `Invited · link until ${format.date(u.invite.expiresAt.slice(0, 10))}`;
  if (u.hasPassword === false) return 'No password yet · send a link';
  return 'Active';
}

export default {
  title: 'Users',
  adminOnly: true,
  render(main) {
    const body = h('tbody');
    const linkBox = h('div', { class: 'token-shown', hidden: true, role: 'status' });
    async function newLink(u) {
      if (u.hasPassword && !await confirmAction({
        title: `Send ${u.name} a new link?`,
        text: `The link sets a new password for ${u.name} (${u.email}); when it is used, their current password stops working and their sessions end.`,
        action: 'Make link',
      })) return;
      try { showLink(linkBox, u, await api.post(`users/${u.id}/invites`, {})); } catch (e) { toast(e.message); }
      reload();
    }
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
        const actions = [];
        if (!u.disabled && u.id !== me().id) {
          actions.push(h('button', { type: 'button', onclick: () => newLink(u) },
            u.hasPassword ? 'Reset password' : u.invite ? 'New link' : 'Send link'));
        }
        if (u.invite) {
          actions.push(h('button', {
            type: 'button',
            onclick: async () => {
              try { await api.del(`invites/${u.invite.id}`); toast(`${u.name}'s link no longer works.`); } catch (e) { toast(e.message); }
              reload();
            },
          }, 'Revoke link'));
        }
        if (u.id !== me().id) {
          actions.push(h('button', {
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
          }, u.disabled ? 'Enable' : 'Disable'));
        }
        return h('tr', null,
          h('td', null, u.name), h('td', null, u.email),
          h('td', null, u.role === 'partner' ? 'Partner contact'
            : [h('label', { class: 'visually-hidden', for: roleId }, `Role of ${u.name}`), role]),
          h('td', null, signInState(u)),
          h('td', { class: 'actions' }, ...actions));
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
        if (!data.password) delete data.password;   /* none: the answer carries an invitation link */
        try {
          const made = await api.post('users', data);
          const user = made.user || made;
          form.reset();
          if (made.invite) showLink(linkBox, user, made.invite);
          else { linkBox.hidden = true; toast(`Added ${user.name}.`); }
          reload();
        } catch (e) {
          error.textContent = Object.entries(e.fields || {}).map(([k, v]) => `${format.label(k)}: ${v}`).join('; ') || e.message;
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: ids.name }, 'Name'), h('input', { id: ids.name, name: 'name', required: true })),
    h('div', { class: 'field' }, h('label', { for: ids.email }, 'Email'), h('input', { id: ids.email, name: 'email', type: 'email', required: true })),
    h('div', { class: 'field' }, h('label', { for: ids.role }, 'Role'), h('select', { id: ids.role, name: 'role' }, h('option', { value: 'member' }, 'Member'), h('option', { value: 'admin' }, 'Admin'))),
    h('div', { class: 'field' }, h('label', { for: ids.password }, 'First password (optional)'),
      h('input', { id: ids.password, name: 'password', type: 'password', autocomplete: 'new-password', minlength: 8, 'aria-describedby': `${ids.password}-hint` })),
    h('button', { type: 'submit', class: 'primary' }, 'Add user'),
    h('p', { id: `${ids.password}-hint`, class: 'muted hint' }, 'Leave the password empty to get an invitation link instead: the new user chooses their own password with it.'),
    error);
    main.append(
      pageHeading('Users', 'Members see and change their own partners; admins see everything and can reassign.'),
      linkBox,
      h('section', { class: 'block' }, h('div', { class: 'table-scroll' }, h('table', null, h('caption', { class: 'visually-hidden' }, 'Users'),
        h('thead', null, h('tr', null, ['Name', 'Email', 'Role', 'Sign-in', ''].map((t) => h('th', { scope: 'col' }, t)))), body))),
      section('Add a user', null, form));
    reload();
  },
};
