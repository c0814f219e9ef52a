// Who is signed in: sign-in page, the sign-in dialog when a session ends
// mid-work (the page beneath, and what was typed in it, stays), sign-out.

import { api, ApiError, onSessionEnded, setCsrfToken } from './api.js';
import { h, uid } from './dom.js';

let currentUser = null;
let users = new Map();

export function me() {
  return currentUser;
}

export function isAdmin() {
  return currentUser?.role === 'admin';
}

export function userName(id) {
  return users.get(id)?.name || id;
}

export function allUsers() {
  return [...users.values()];
}

// The company's own people: who can own a partner (a partner's contacts,
// of the role partner, own nothing).
export function teamUsers() {
  return allUsers().filter((u) => u.role !== 'partner');
}

export async function loadUsers() {
  const list = await api.get('users');
  users = new Map(list.items.map((u) => [u.id, u]));
}

// The signed-in user, or null (401).
export async function resume() {
  try {
    const answer = await api.get('me');
    setCsrfToken(answer.csrfToken);
    currentUser = answer.user;
    return currentUser;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function signOut() {
  try {
    await api.del('session');
  } finally {
    currentUser = null;
    setCsrfToken(null);
  }
}

// The page an invitation link opens: the invited user chooses a password
// and is signed in (POST /invites/accept); onSignedIn(user) after success.
export function inviteForm(token, onSignedIn) {
  const ids = { password: uid('password'), again: uid('again'), error: uid('error') };
  const password = h('input', { id: ids.password, type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { id: ids.again, type: 'password', name: 'again', autocomplete: 'new-password', required: true });
  const error = h('p', { id: ids.error, class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Set password and sign in');
  const form = h('form', {
    class: 'signin',
    novalidate: true,
    'aria-describedby': ids.error,
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (password.value.length < 8) { error.textContent = 'Password: at least 8 characters.'; password.focus(); return; }
      if (again.value !== password.value) { error.textContent = 'The two passwords are not the same.'; again.select(); return; }
      submit.disabled = true;
      try {
        const answer = await api.post('invites/accept', { token, password: password.value });
        setCsrfToken(answer.csrfToken);
        currentUser = answer.user;
        await onSignedIn(currentUser);
      } catch (e) {
        error.textContent = e.status === 410
          ? 'This link was already used, was revoked or has expired. Ask whoever invited you for a new one.'
          : Object.values(e.fields || {}).map((v) => `Password: ${v}`).join('; ') || e.message;
        submit.disabled = false;
      }
    },
  },
  h('label', { for: ids.password }, 'Choose a password (at least 8 characters)'), password,
  h('label', { for: ids.again }, 'Type it again'), again,
  error, submit);
  return { form, focus: () => password.focus() };
}

// The sign-in form; onSignedIn(user) after success.  emailHint: for the
// dialog after a session ended (the same user signs in again).
export function signInForm(onSignedIn, emailHint = '') {
  const emailId = uid('email');
  const passwordId = uid('password');
  const errorId = uid('error');
  const email = h('input', { id: emailId, type: 'email', name: 'email', autocomplete: 'username', required: true, value: emailHint });
  const password = h('input', { id: passwordId, type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { id: errorId, class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', {
    class: 'signin',
    'aria-describedby': errorId,
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        const answer = await api.post('session', { email: email.value, password: password.value });
        setCsrfToken(answer.csrfToken);
        currentUser = answer.user;
        password.value = '';
        await onSignedIn(currentUser);
      } catch (e) {
        error.textContent = e.status === 401 ? 'That email and password do not match an account.' : e.message;
        password.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('label', { for: emailId }, 'Email'), email,
  h('label', { for: passwordId }, 'Password'), password,
  error, submit);
  return { form, focus: () => (email.value ? password : email).focus() };
}

// When any request meets 401: a modal sign-in over the current page; the
// request is sent again once the user is back.  Several requests failing at
// once share one dialog.
let pending = null;
onSessionEnded(() => {
  if (pending) return pending;
  const before = currentUser?.id;
  pending = new Promise((resolve) => {
    const dialog = h('dialog', { class: 'signin-dialog', 'aria-labelledby': 'signin-again-title' });
    const { form, focus } = signInForm(async (user) => {
      // Someone else signed in: the page shows the previous user's records; start afresh.
      if (user.id !== before) { location.reload(); return; }
      dialog.close();
      dialog.remove();
      pending = null;
      resolve();
    }, currentUser?.email || '');
    dialog.append(
      h('h2', { id: 'signin-again-title' }, 'Your session has ended'),
      h('p', null, 'Sign in again to carry on; nothing you typed is lost.'),
      form);
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    focus();
  });
  return pending;
});
