// What the signed-in user may do with keys (web-ui.md 6.7), as the server
// says it in user_info: the allowlist of methods the user may call, and
// the one role the ownership rule names.
import { app, roles } from './state.js';

/** Whether user_info's allowlist lets the user call method. */
export function mayCall(method) {
  const list = (app.user && app.user.privilege && app.user.privilege.allowlist) || [];
  return list.some((e) => (e.method === '*' || e.method === 'CALL') && (e.resource === '*' || e.resource === method));
}

/** Whether the user may use Add and Save at all. */
export function canWrite() { return mayCall('api_key.create'); }

/**
 * Whether the user may manage keys of other users: the server's ownership
 * rule grants it with API_KEY_WRITE (which FULL_ADMIN includes).
 */
export function canManageOthers() { return roles().has('API_KEY_WRITE'); }

/** Whether the user may edit, reset or delete the key of row. */
export function canManage(row) { return canWrite() && (row.username === app.user.pw_name || canManageOthers()); }
