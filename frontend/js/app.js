// Partnerships in the browser: signs the user in, draws the header and the
// navigation, and shows the place the address names (url.js): a page, the
// record open over it and its tab.  A wrong address, or a record the user
// may not see, says so and offers the way back.

import { h, fill } from './dom.js';
import { loadSchema } from './schema.js';
import { inviteForm, isAdmin, loadUsers, me, resume, signInForm, signOut } from './session.js';
import { loadTemplates } from './components/template.js';
import { openRecord } from './components/panel.js';
import { shortcuts } from './components/shortcuts.js';
import * as url from './url.js';
import overview from './views/overview.js';
import comarketing from './views/comarketing.js';
import integrations from './views/integrations.js';
import referrals from './views/referrals.js';
import sharing from './views/sharing.js';
import onboarding from './views/onboarding.js';
import performance from './views/performance.js';
import review from './views/review.js';
import trash from './views/trash.js';
import users from './views/users.js';
import account from './views/account.js';
import * as format from './format.js';

// The pages, in the playbook's order, then the working views.
const PAGES = [
  ['overview', overview],
  ['co-marketing', comarketing],
  ['integrations', integrations],
  ['referrals', referrals],
  ['customer-sharing', sharing],
  ['onboarding', onboarding],
  ['performance', performance],
  ['review', review],
  ['trash', trash],
  ['users', users],
  ['account', account],
];

const app = document.getElementById('app');

// The page an address names: [key, view], or [key, null, why not].
function pageOf(address) {
  const found = PAGES.find(([key]) => key === address.page);
  if (!found || address.malformed) return [address.page, null, 'missing'];
  if (found[1].adminOnly && !isAdmin()) return [address.page, null, 'admin'];
  return found;
}

// Shown instead of a page the address cannot show.
const problemView = (why) => ({
  title: why === 'admin' ? 'For admins' : 'Page not found',
  render(main) {
    main.append(h('section', { class: 'problem' },
      h('h2', { tabindex: -1 }, why === 'admin' ? 'This page is for admins' : 'There is no such page'),
      h('p', null, why === 'admin'
        ? 'Your account cannot open it. An admin of your team can, or can make you one.'
        : `Nothing is at “${location.hash}”. The link may be old or mistyped.`),
      h('p', null, h('a', { href: '#/overview' }, 'Go to the overview'))));
  },
});

function shell() {
  const user = me();
  const nav = h('nav', { class: 'nav', 'aria-label': 'Pages' },
    h('ul', null, PAGES.filter(([, view]) => (!view.adminOnly || isAdmin()) && !view.notInNav).map(([key, view]) =>
      h('li', null, h('a', { href: `#/${key}`, dataset: { page: key } }, view.title)))));
  const main = h('main', { id: 'main', tabindex: -1 });
  fill(app,
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'top' },
      h('h1', null, h('a', { href: '#/overview', class: 'brand' }, 'Partnerships')),
      h('div', { class: 'who' },
        h('a', { class: 'user-name', href: '#/account', title: 'Your account: password and API tokens' }, user.name),
        h('span', { class: 'badge role' }, format.label(user.role)),
        h('button', {
          type: 'button',
          onclick: async () => { await signOut(); location.hash = ''; showSignIn(); },
        }, 'Sign out'))),
    nav, main);
  return { nav, main };
}

let frame = null;
let shownPage = null;   // the key of the page on screen
let panel = null;       // {collection, id, dialog} of the record open from the address
let closingForAddress = false;

async function route() {
  const address = url.parse();
  if (address.page === 'invite') { showInvite(address.params.get('token') || ''); return; }
  if (!frame) return;
  const [key, view, why] = pageOf(address);
  const shown = view || problemView(why);
  const pageKey = `${key}${why || ''}`;
  const sameParams = url.paramsShown(address.params);
  if (shownPage !== pageKey || !sameParams) {
    shownPage = pageKey;
    for (const link of frame.nav.querySelectorAll('a')) {
      if (link.dataset.page === key) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${shown.title} · Partnerships`;
    closePanel();
    for (const dialog of document.querySelectorAll('dialog.panel')) dialog.close();
    frame.main.replaceChildren();
    url.whenRecordChanges(null);   /* the page being drawn sets its own */
    shown.render(frame.main);
    frame.main.querySelector('h2')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  if (view) await showRecord(address.record);
}

function closePanel() {
  if (!panel) return;
  closingForAddress = true;
  panel.dialog?.close();
  closingForAddress = false;
  panel = null;
}

// The record the address names, open over the page (or closed).
async function showRecord(record) {
  if (!record) { closePanel(); return; }
  if (panel && panel.collection === record.collection && panel.id === record.id) {
    panel.dialog?.showTab?.(record.tab === 'history');
    return;
  }
  closePanel();
  const mine = { collection: record.collection, id: record.id, dialog: null };
  panel = mine;
  try {
    mine.dialog = await openRecord(record.collection, { id: record.id }, {
      tab: record.tab,
      onChange: () => url.recordChanged(),
      onTab: (tab) => url.replace({ ...url.parse(), record: { ...record, tab } }),
      onClose: () => {
        if (panel === mine) panel = null;
        if (closingForAddress) return;
        // Closed by the user: leave the record's address (Back if the app put it there).
        if (url.pushed()) history.back();
        else url.replace({ ...url.parse(), record: null });
      },
    });
  } catch (e) {
    if (panel === mine) panel = null;
    missingRecord(record, e);
  }
}

function missingRecord(record, error) {
  const dialog = h('dialog', { class: 'panel missing', 'aria-labelledby': 'missing-title' },
    h('header', { class: 'panel-head' }, h('h2', { id: 'missing-title' }, 'This record cannot be shown')),
    h('p', null, error?.status === 404 || !error?.status
      ? 'It does not exist, it was deleted for good, or it is not one you may see.'
      : `The server said: ${error.message}`),
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'primary', onclick: () => dialog.close() }, 'Back to the page')));
  dialog.addEventListener('close', () => {
    dialog.remove();
    url.replace({ ...url.parse(), record: null });
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function start() {
  // A partner's contact: the partner portal's own pages, not the team's
  // (loaded only for them).
  if (me().role === 'partner') {
    frame = null;
    const { startPortal } = await import('./portal.js');
    startPortal(app, showSignIn);
    return;
  }
  await Promise.all([loadSchema(), loadUsers(), loadTemplates()]);
  frame = shell();
  shownPage = null;
  shortcuts();
  route();
}

function showSignIn() {
  frame = null;
  const { form, focus } = signInForm(start);
  document.title = 'Sign in · Partnerships';
  fill(app, h('main', { class: 'signin-page' },
    h('h1', { class: 'brand' }, 'Partnerships'),
    h('p', { class: 'muted' }, 'Sign in to track your partners, campaigns, referrals and integrations.'),
    form));
  focus();
}

// An invitation link (#/invite?token=…): choose a password, then the app;
// the token leaves the address bar and the history once it is used.
function showInvite(token) {
  frame = null;
  const { form, focus } = inviteForm(token, async (user) => {
    history.replaceState(null, '', user.role === 'partner' ? '#/home' : '#/overview');
    await start();
  });
  document.title = 'Welcome · Partnerships';
  fill(app, h('main', { class: 'signin-page' },
    h('h1', { class: 'brand' }, 'Partnerships'),
    h('p', { class: 'muted' }, 'You have been invited. Choose your password to sign in.'),
    form,
    h('p', { class: 'muted' }, h('a', { href: '#/overview', onclick: () => { history.replaceState(null, '', '#/overview'); location.reload(); } }, 'I have a password: sign in'))));
  focus();
}

window.addEventListener('hashchange', route);
window.addEventListener('popstate', route);
window.addEventListener(url.ADDRESS_CHANGED, route);

(async () => {
  try {
    const address = url.parse();
    if (address.page === 'invite') showInvite(address.params.get('token') || '');
    else if (await resume()) await start();
    else showSignIn();
  } catch (e) {
    fill(app, h('main', { class: 'signin-page' }, h('h1', null, 'Partnerships'), h('p', { class: 'form-error', role: 'alert' }, `The server could not be reached: ${e.message}. Reload to try again.`)));
  }
})();
