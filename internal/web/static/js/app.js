// The application: connection, session, routing and the app shell.
import { Rpc, apiURL } from './rpc.js';
import { h, icon, mount } from './dom.js';
import { closeAll } from './ui.js';
import { signinPage } from './signin.js';
import { keysPage } from './keys.js';
import { watchSession, REASONS } from './session.js';
import { saveDraft, dropDraft } from './drafts.js';

export const KEYS_ROUTE = '/credentials/users/api-keys';
const TOKEN = 'keyward.token';
const TOKEN_USED = 'keyward.tokenLastUsed';
const REDIRECT = 'keyward.redirectUrl';
const TOKEN_EVERY_MS = 290000;

/** The application state every page reads. */
export const app = {
  rpc: new Rpc(apiURL()),
  user: null, // user_info of the signed-in user, or null
  timezone: 'UTC',
  tokenTimer: null,
  cleanup: null, // tears the current page down
  root: null,
  // This tab's newest login token, kept in memory to restore the session
  // after a dropped connection (item 10); localStorage keeps it for reloads.
  lastToken: null,
  // {username, reason} for the sign-in form after a session ended, or null.
  signinNote: null,
};

/** The signed-in user's effective roles. */
export function roles() {
  const set = app.user && app.user.privilege && app.user.privilege.roles;
  return new Set(set && Array.isArray(set.$set) ? set.$set : []);
}

/** Goes to path (with search) and renders it. */
export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

function currentRoute() { return location.pathname + location.search; }

/** Renders the screen for the current URL. */
export function render() {
  if (app.cleanup) { app.cleanup(); app.cleanup = null; }
  const path = location.pathname;
  if (path === '/signin') {
    if (app.user) { navigate(KEYS_ROUTE, true); return; }
    app.cleanup = signinPage(shell(false));
    return;
  }
  if (path === KEYS_ROUTE) {
    if (!app.user) {
      sessionStorage.setItem(REDIRECT, currentRoute());
      navigate('/signin', true);
      return;
    }
    app.cleanup = keysPage(shell(true));
    return;
  }
  navigate(app.user ? KEYS_ROUTE : '/signin', true);
}

/** Draws the top bar and returns the element pages fill. */
function shell(signedIn) {
  const main = h('main', { id: 'main', class: signedIn ? 'page' : 'page page-center' });
  const bar = h('header', { class: 'topbar' },
    h('a', { href: '/', class: 'brand', onclick: (e) => { e.preventDefault(); navigate('/'); } },
      icon('key', 'icon brand-icon'), 'Keyward'),
    signedIn ? userMenu() : null);
  mount(app.root, bar, main);
  return main;
}

function userMenu() {
  const name = app.user.pw_name;
  const menu = h('div', { class: 'menu', role: 'menu', hidden: true });
  const trigger = h('button', {
    class: 'btn btn-flat user-trigger', type: 'button', 'aria-label': `Open user menu for ${name}`,
    'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-test': 'button-user-menu',
  }, icon('account'), h('span', { class: 'user-name' }, name));
  const close = () => { menu.hidden = true; trigger.setAttribute('aria-expanded', 'false'); };
  const href = `${KEYS_ROUTE}?userName=${encodeURIComponent(name)}`;
  menu.append(
    h('a', { href, role: 'menuitem', class: 'menu-item', 'data-test': 'link-my-api-keys',
      onclick: (e) => { e.preventDefault(); close(); navigate(href); } }, icon('key'), 'My API Keys'),
    h('hr', { class: 'menu-divider', role: 'separator' }),
    h('button', { type: 'button', role: 'menuitem', class: 'menu-item', 'data-test': 'button-log-out',
      onclick: () => { close(); logout(); } }, icon('logout'), 'Log Out'));
  trigger.addEventListener('click', () => {
    const show = menu.hidden;
    menu.hidden = !show;
    trigger.setAttribute('aria-expanded', String(show));
    if (show) menu.querySelector('[role="menuitem"]').focus();
  });
  menu.addEventListener('keydown', (e) => {
    const items = [...menu.querySelectorAll('[role="menuitem"]')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { close(); trigger.focus(); }
    if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); items[(i + items.length - 1) % items.length].focus(); }
  });
  const wrap = h('div', { class: 'user-menu' }, trigger, menu);
  wrap.addEventListener('focusout', (e) => { if (!wrap.contains(e.relatedTarget)) close(); });
  return wrap;
}

/** Finishes a sign-in (password or token): web UI access, time zone, tokens, then the page asked for. */
export async function signedIn(userInfo) {
  if (!userInfo || !userInfo.privilege || !userInfo.privilege.webui_access) {
    await app.rpc.call('auth.logout').catch(() => {});
    return false;
  }
  app.user = userInfo;
  app.signinNote = null;
  try { app.timezone = (await app.rpc.call('system.info')).timezone || 'UTC'; } catch { app.timezone = 'UTC'; }
  startTokens();
  const target = sessionStorage.getItem(REDIRECT) || KEYS_ROUTE;
  sessionStorage.removeItem(REDIRECT);
  navigate(target, true);
  return true;
}

async function startTokens() {
  stopTokens();
  try {
    const mechs = await app.rpc.call('auth.mechanism_choices');
    if (!mechs.includes('TOKEN_PLAIN')) return;
  } catch { return; }
  const renew = () => app.rpc.call('auth.generate_token', [300, {}, true, true]).then((t) => {
    app.lastToken = t;
    localStorage.setItem(TOKEN, t);
    localStorage.setItem(TOKEN_USED, new Date().toISOString());
  }).catch(() => {});
  renew();
  app.tokenTimer = setInterval(renew, TOKEN_EVERY_MS);
}

function stopTokens() { clearInterval(app.tokenTimer); app.tokenTimer = null; }

/** The stored token, if it was used in the last 5 minutes. */
export function freshToken() {
  const token = localStorage.getItem(TOKEN);
  const used = Date.parse(localStorage.getItem(TOKEN_USED) || '');
  if (token && Date.now() - used < 5 * 60000) return token;
  return null;
}

export function forgetToken() {
  app.lastToken = null;
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(TOKEN_USED);
}

let session = null; // the watcher of session.js

async function logout() {
  // Under the Reconnecting… banner there is no session on the server to
  // log out of: the connection it lived on is gone.
  if (app.rpc.held) session.cancel();
  else await app.rpc.call('auth.logout').catch(() => {});
  forgetToken();
  dropDraft();
  endSession();
}

/**
 * Logs in again on a new socket with this tab's newest token, leaving the
 * page as it is. Only the login is sent while rpc holds the page's calls;
 * the token renewal starts once they flow again.
 */
async function restoreSession() {
  const token = app.lastToken;
  if (!token) return false;
  const r = await app.rpc.call('auth.login_ex', [{ mechanism: 'TOKEN_PLAIN', token }], { urgent: true });
  app.lastToken = null; // single use, answered either way
  const info = r.response_type === 'SUCCESS' ? r.user_info : null;
  if (!info || !info.privilege || !info.privilege.webui_access) {
    if (info) await app.rpc.call('auth.logout', [], { urgent: true }).catch(() => {});
    return false;
  }
  app.user = info;
  startTokens();
  return true;
}

let ending = false; // a lost session is being wound up

/**
 * The session ended (cause: a key of REASONS): the open panel's input is
 * saved as a draft, the page's waiting calls fail, and the sign-in form
 * shows the username and why. The page goes one task later, after the
 * failed calls' handlers have run, so nothing they open outlives it.
 */
function loseSession(cause) {
  if (ending || !app.user) return;
  ending = true;
  const username = app.user.pw_name;
  stopTokens();
  forgetToken();
  app.rpc.discard();
  setTimeout(() => {
    saveDraft(username);
    app.signinNote = { username, reason: REASONS[cause] };
    ending = false;
    endSession();
  }, 0);
}

/** The session is over: back to /signin, remembering where we were. */
function endSession() {
  stopTokens();
  app.rpc.dropSubscriptions();
  const wasIn = app.user !== null;
  app.user = null;
  closeAll();
  if (wasIn && location.pathname !== '/signin') sessionStorage.setItem(REDIRECT, currentRoute());
  navigate('/signin', true);
}

function start() {
  app.root = document.getElementById('app');
  const { rpc } = app;
  // A signed-in page stays as it is over a lost connection (session.js).
  session = watchSession(rpc, {
    signedIn: () => app.user !== null && !ending,
    pause: stopTokens,
    restore: restoreSession,
    end: loseSession,
  });
  // Signed out, the sign-in form shows whether it can be used.
  rpc.addEventListener('disconnect', () => { if (!app.user && location.pathname === '/signin') render(); });
  // A quiet reconnect (after the server's auth timeout) leaves the page as it is.
  rpc.addEventListener('connect', (e) => { if (!e.detail.quiet && location.pathname === '/signin') render(); });
  rpc.addEventListener('traffic', () => {
    if (localStorage.getItem(TOKEN)) localStorage.setItem(TOKEN_USED, new Date().toISOString());
  });
  window.addEventListener('popstate', render);
  rpc.connect();
  render();
}

start();
