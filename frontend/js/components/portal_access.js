// A partner's access to the partner portal, on its record: its contacts who
// can sign in (disabled or enabled here), its pending invitations (revoked here),
// and a form to invite a contact, whose single-use link is shown once.
//
// portalAccess(partner) → <section>

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import * as format from '../format.js';
import { allUsers, loadUsers } from '../session.js';
import { toast } from './toast.js';
import { confirmAction } from './confirm.js';
import { showOnce } from './shown_once.js';

export function portalAccess(partner) {
  const list = h('ul', { class: 'portal-people' });
  const shown = h('div', { class: 'token-shown', hidden: true, role: 'status' });
  async function reload() {
    let pending = [];
    try {
      [pending] = await Promise.all([api.get(`partners/${partner.id}/invites`).then((r) => r.items), loadUsers()]);
    } catch (e) {
      list.replaceChildren(h('li', { class: 'form-error' }, e.message));
      return;
    }
    const contacts = allUsers().filter((u) => u.partnerId === partner.id);
    const invited = new Set(pending.map((i) => i.email.toLowerCase()));
    const rows = [
      ...contacts.filter((u) => !invited.has(u.email.toLowerCase())).map((u) => h('li', null,
        h('span', null, `${u.name} (${u.email})`), ' ', h('span', { class: 'muted small' }, u.disabled ? 'disabled' : 'can sign in'),
        h('button', {
          type: 'button',
          onclick: async () => {
            if (!u.disabled && !await confirmAction({ title: `Disable ${u.name}?`, text: `${u.name} can no longer sign in to the partner portal.`, action: 'Disable' })) return;
            try { await api.patch(`users/${u.id}`, { disabled: !u.disabled }); } catch (e) { toast(e.message); }
            reload();
          },
        }, u.disabled ? 'Enable' : 'Disable'))),
      ...pending.map((i) => h('li', null,
        h('span', null, `${i.name} (${i.email})`), ' ', h('span', { class: 'muted small' }, `invited · link until ${format.timestamp(i.expiresAt)}`),
        h('button', {
          type: 'button',
          onclick: async () => {
            try { await api.del(`invites/${i.id}`); toast(`${i.name}'s link no longer works.`); } catch (e) { toast(e.message); }
            reload();
          },
        }, 'Revoke'))),
    ];
    list.replaceChildren(...(rows.length ? rows : [h('li', { class: 'muted' }, 'No contact of this partner uses the portal yet.')]));
  }
  const ids = { name: uid('contact-name'), email: uid('contact-email') };
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    class: 'inline-form',
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      const data = { name: form.elements.name.value.trim(), email: form.elements.email.value.trim() };
      try {
        const made = await api.post(`partners/${partner.id}/invites`, data);
        form.reset();
        showOnce(shown, {
          title: `The portal link for ${data.name} (${made.email}):`,
          text: `send it to them; it works once, until ${format.timestamp(made.expiresAt)}, and is not shown again.`,
          value: made.url,
        });
        reload();
      } catch (e) {
        error.textContent = Object.entries(e.fields || {}).map(([k, v]) => `${format.label(k)}: ${v}`).join('; ') || e.message;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: ids.name }, 'Contact name'), h('input', { id: ids.name, name: 'name', required: true, maxlength: 200 })),
  h('div', { class: 'field' }, h('label', { for: ids.email }, 'Contact email'), h('input', { id: ids.email, name: 'email', type: 'email', required: true, maxlength: 254 })),
  h('button', { type: 'submit' }, 'Invite to the portal'), error);
  reload();
  return h('section', { class: 'portal-access', 'aria-label': 'Partner portal' },
    h('h3', null, 'Partner portal'),
    h('p', { class: 'muted small' }, 'Contacts of this partner sign in to register leads, answer intros and see their figures: only this partner\'s, never its notes or scoring.'),
    shown, list, form);
}
