// The console's shell: sign-in, navigation and a hash router over the pages.
import { api, session, ApiError } from './api.js';
import { h, message } from './dom.js';
import { approvalsPage } from './pages/approvals.js';
import { executionsPage, executionPage } from './pages/executions.js';
import { eventsPage } from './pages/events.js';
import { metricsPage } from './pages/metrics.js';
import { toolsPage } from './pages/tools.js';
import { apiKeysPage } from './pages/api-keys.js';

const ROUTES = [
  [/^#\/approvals$/, approvalsPage],
  [/^#\/executions$/, executionsPage],
  [/^#\/executions\/([^/]+)$/, executionPage],
  [/^#\/events$/, eventsPage],
  [/^#\/metrics$/, metricsPage],
  [/^#\/tools$/, toolsPage],
  [/^#\/api-keys$/, apiKeysPage],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
let leave = () => {};
let admin = false;

/** Renders a page into main; a page returns an optional function that stops what it started. */
async function route() {
  leave();
  leave = () => {};
  if (!session.key()) return showSignIn();
  const hash = location.hash || '#/approvals';
  const match = ROUTES.map(([pattern, render]) => [pattern.exec(hash), render]).find(([m]) => m);
  for (const link of nav.querySelectorAll('a')) {
    const current = hash === link.getAttribute('href') || hash.startsWith(link.getAttribute('href') + '/');
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  if (!match) {
    main.append(h('h1', {}, 'Not found'), h('p', {}, 'There is no such page. Choose one above.'));
    return;
  }
  const [m, render] = match;
  const context = { main, admin, params: m.slice(1).map(decodeURIComponent), go: (target) => { location.hash = target; } };
  try {
    leave = (await render(context)) || (() => {});
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    main.append(message('error', e.message));
  }
}

function showSignIn(reason) {
  nav.hidden = true;
  signOutButton.hidden = true;
  document.title = 'Sign in · Opsplane console';
  const field = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const status = h('div', { id: 'sign-in-status' }, reason ? message('error', reason) : null);
  const form = h('form', { class: 'sign-in', onsubmit: (event) => { event.preventDefault(); signIn(field.value.trim(), status); } },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste an API key. It stays in this browser tab only (sessionStorage) and is forgotten when the tab closes.'),
    h('label', { for: 'api-key' }, 'API key'),
    field,
    h('button', { type: 'submit' }, 'Sign in'),
    status,
    h('p', { class: 'note' }, 'The first admin key of a local run is in data/admin-key; admins issue keys for everyone else.'));
  main.replaceChildren(form);
  field.focus();
}

/** Checks the key against the API; whether GET /v1/api-keys answers tells an admin key. */
async function signIn(key, status) {
  if (!key) {
    status.replaceChildren(message('error', 'Enter an API key.'));
    return;
  }
  try {
    await api('GET', '/v1/api-keys?limit=1', undefined, { key });
    admin = true;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) {
      status.replaceChildren(message('error', e.message));
      return;
    }
    admin = false;
  }
  session.signIn(key);
  sessionStorage.setItem('opsplane.admin', String(admin));
  enter();
}

function enter() {
  nav.hidden = false;
  signOutButton.hidden = false;
  document.getElementById('nav-api-keys').hidden = !admin;
  if (!location.hash || location.hash === '#/sign-in') location.hash = '#/approvals';
  else route();
}

function signOut(reason) {
  leave();
  leave = () => {};
  session.signOut();
  sessionStorage.removeItem('opsplane.admin');
  showSignIn(reason);
  main.focus();
}

session.whenSignedOut((reason) => signOut(reason));
signOutButton.addEventListener('click', () => signOut());
// The hash is the router's, so the skip link moves focus itself instead of navigating.
document.querySelector('.skip').addEventListener('click', (event) => { event.preventDefault(); main.focus(); });
window.addEventListener('hashchange', () => { route().then(() => main.focus({ preventScroll: true })); });

admin = sessionStorage.getItem('opsplane.admin') === 'true';
if (session.key()) enter(); else showSignIn();
