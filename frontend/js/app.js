// Partnerships in the browser: signs the user in, draws the header and the
// navigation, and shows one page at a time (#/overview, #/co-marketing, ...).

import { h, fill } from './dom.js';
import { loadSchema } from './schema.js';
import { isAdmin, loadUsers, me, resume, signInForm, signOut } from './session.js';
import { loadTemplates } from './components/template.js';
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
];

const app = document.getElementById('app');

function currentPage() {
  const name = location.hash.replace(/^#\/?/, '') || 'overview';
  const found = PAGES.find(([key, view]) => key === name && (!view.adminOnly || isAdmin()));
  return found || PAGES[0];
}

function shell() {
  const user = me();
  const nav = h('nav', { class: 'nav', 'aria-label': 'Pages' },
    h('ul', null, PAGES.filter(([, view]) => !view.adminOnly || isAdmin()).map(([key, view]) =>
      h('li', null, h('a', { href: `#/${key}`, dataset: { page: key } }, view.title)))));
  const main = h('main', { id: 'main', tabindex: -1 });
  fill(app,
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'top' },
      h('h1', null, h('a', { href: '#/overview', class: 'brand' }, 'Partnerships')),
      h('div', { class: 'who' },
        h('span', { class: 'user-name' }, user.name),
        h('span', { class: 'badge role' }, format.label(user.role)),
        h('button', {
          type: 'button',
          onclick: async () => { await signOut(); location.hash = ''; showSignIn(); },
        }, 'Sign out'))),
    nav, main);
  return { nav, main };
}

let frame = null;

function route() {
  if (!frame) return;
  const [key, view] = currentPage();
  for (const link of frame.nav.querySelectorAll('a')) {
    if (link.dataset.page === key) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${view.title} · Partnerships`;
  for (const dialog of document.querySelectorAll('dialog.panel')) dialog.close();
  frame.main.replaceChildren();
  view.render(frame.main);
  frame.main.querySelector('h2')?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function start() {
  await Promise.all([loadSchema(), loadUsers(), loadTemplates()]);
  frame = shell();
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

window.addEventListener('hashchange', route);

(async () => {
  try {
    if (await resume()) await start();
    else showSignIn();
  } catch (e) {
    fill(app, h('main', { class: 'signin-page' }, h('h1', null, 'Partnerships'), h('p', { class: 'form-error', role: 'alert' }, `The server could not be reached: ${e.message}. Reload to try again.`)));
  }
})();
