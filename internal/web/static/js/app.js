// The application: connection, session, routing and the app shell.
import { h, icon, mount } from './dom.js';
import { app, KEYS_ROUTE, TOKEN, TOKEN_USED, REDIRECT, navigate, currentRoute, startTokens, stopTokens, forgetToken }
  from './state.js';
import { closeAll } from './ui.js';
import { signinPage } from './signin.js';
import { keysPage } from './keys.js';
import { watchSession, REASONS } from './session.js';
import { saveDraft, dropDraft } from './drafts.js';

/** Renders the screen for the current URL. */
function render() {
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
  app.render = render;
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
