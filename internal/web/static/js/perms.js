// What the signed-in user may do with keys (web-ui.md 6.7), from the roles
// of its user_info.
import { app, roles } from './state.js';

/** Whether the user may use Add and Save at all. */
export function canWrite() {
  const r = roles();
  return ['API_KEY_WRITE', 'SHARING_ADMIN', 'READONLY_ADMIN', 'FULL_ADMIN'].some((x) => r.has(x));
}

/** Whether the user may manage keys of other users. */
export function canManageOthers() {
  const r = roles();
  return r.has('FULL_ADMIN') || r.has('API_KEY_WRITE');
}

/** Whether the user may edit, reset or delete the key of row. */
export function canManage(row) { return canWrite() && (row.username === app.user.pw_name || canManageOthers()); }
