// The state every page shares: the connection, the signed-in user,
// navigation and the login tokens. Pages import this, never app.js (the
// entry that imports the pages), so no module imports itself in a circle.
import { Rpc, apiURL } from './rpc.js';

export const KEYS_ROUTE = '/credentials/users/api-keys';
export const TOKEN = 'keyward.token';
export const TOKEN_USED = 'keyward.tokenLastUsed';
export const REDIRECT = 'keyward.redirectUrl';
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
  // render draws the screen of the current URL; app.js sets it.
  render: () => {},
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
  app.render();
}

/** The current route: path and query. */
export function currentRoute() { return location.pathname + location.search; }

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

/** Starts renewing the login token (web-ui.md 2). */
export async function startTokens() {
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

/** Stops renewing the login token. */
export function stopTokens() { clearInterval(app.tokenTimer); app.tokenTimer = null; }

/** The stored token, if it was used in the last 5 minutes. */
export function freshToken() {
  const token = localStorage.getItem(TOKEN);
  const used = Date.parse(localStorage.getItem(TOKEN_USED) || '');
  if (token && Date.now() - used < 5 * 60000) return token;
  return null;
}

/** Forgets the stored and the remembered login token. */
export function forgetToken() {
  app.lastToken = null;
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(TOKEN_USED);
}

