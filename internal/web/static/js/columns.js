// The column organizer (web-ui.md 6.9): show or hide data columns,
// remembered in localStorage; at least one column stays visible.
import { h, icon } from './dom.js';

/** The data columns of the keys table, in order; status cannot be sorted by the server. */
export const COLUMNS = [
  { id: 'name', header: 'Name' },
  { id: 'username', header: 'Username' },
  { id: 'status', header: 'Status', unsorted: true },
  { id: 'local', header: 'Local' },
  { id: 'revoked', header: 'Revoked' },
  { id: 'created_at', header: 'Created Date' },
  { id: 'expires_at', header: 'Expires On' },
];

const STORAGE = 'keyward.columns.user-api-keys';
const IDS = COLUMNS.map((c) => c.id);
// Hidden until the user shows them: Local is always Yes here, and Status
// says what Revoked says.
const DEFAULT_HIDDEN = ['local', 'revoked'];

/** The ids of the hidden columns (unknown ids ignored); the defaults when nothing is saved. */
export function hiddenColumns() {
  try {
    const saved = localStorage.getItem(STORAGE);
    if (saved === null) return [...DEFAULT_HIDDEN];
    const v = JSON.parse(saved);
    return Array.isArray(v) ? v.filter((id) => IDS.includes(id)) : [...DEFAULT_HIDDEN];
  } catch {
    return [...DEFAULT_HIDDEN];
  }
}

/** The Columns button and its menu; changed() is told after each change. */
export function columnsMenu(changed) {
  const columns = COLUMNS;
  const boxes = new Map();
  const sync = () => {
    const hidden = hiddenColumns();
    for (const [id, box] of boxes) {
      box.checked = !hidden.includes(id);
      box.setAttribute('aria-checked', String(box.checked));
    }
  };
  const apply = (hidden) => {
    if (hidden === null) localStorage.removeItem(STORAGE);
    else localStorage.setItem(STORAGE, JSON.stringify(hidden));
    sync();
    changed();
  };
  const item = (text, dataTest, fn) => h('button', { type: 'button', role: 'menuitem', class: 'menu-item',
    'data-test': dataTest, onclick: fn }, text);
  const checks = columns.map((c) => {
    const box = h('input', { type: 'checkbox', role: 'menuitemcheckbox', 'data-test': `checkbox-column-${c.id}` });
    boxes.set(c.id, box);
    box.addEventListener('change', () => {
      const now = hiddenColumns();
      const next = box.checked ? now.filter((id) => id !== c.id) : [...now, c.id];
      if (next.length >= IDS.length) { sync(); return; } // the last visible column stays
      apply(next);
    });
    return h('label', { class: 'menu-item menu-check' }, box, c.header);
  });
  const menu = h('div', { class: 'menu columns-menu', role: 'menu', hidden: true },
    item('Select All', 'button-columns-select-all', () => apply([])),
    item('Unselect All', 'button-columns-unselect-all', () => apply(IDS.filter((id) => id !== 'name'))),
    h('hr', { class: 'menu-divider', role: 'separator' }), ...checks,
    h('hr', { class: 'menu-divider', role: 'separator' }),
    item('Reset to Defaults', 'button-columns-reset', () => apply(null)));
  const trigger = h('button', { class: 'btn', type: 'button', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    'data-test': 'button-columns' }, icon('columns'), 'Columns');
  const close = () => { menu.hidden = true; trigger.setAttribute('aria-expanded', 'false'); };
  trigger.addEventListener('click', () => {
    const show = menu.hidden;
    sync();
    menu.hidden = !show;
    trigger.setAttribute('aria-expanded', String(show));
    if (show) menu.querySelector('[role="menuitem"]').focus();
  });
  const wrap = h('div', { class: 'menu-wrap' }, trigger, menu);
  wrap.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !menu.hidden) { close(); trigger.focus(); } });
  wrap.addEventListener('focusout', (e) => { if (!wrap.contains(e.relatedTarget)) close(); });
  return wrap;
}
