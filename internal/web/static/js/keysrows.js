// The keys page's rows: a table on wide screens, cards on phones (600 px
// and narrower); the status of a key; the row actions.
import { h, icon, mount } from './dom.js';
import { app } from './state.js';
import { gate, tip } from './ui.js';
import { formatTime, relative, browserTimeLine } from './dates.js';
import { openForm } from './form.js';
import { deleteDialog, resetDialog } from './dialogs.js';
import { COLUMNS } from './columns.js';
import { canManage } from './perms.js';

/** The media query of the card layout. */
export const narrowQuery = '(max-width: 600px)';

const STATUS = {
  active: { text: 'Active', icon: 'active' },
  expired: { text: 'Expired', icon: 'expired' },
  revoked: { text: 'Revoked', icon: 'revoked' },
};

/** A key's status: revoked, else expired once expires_at has passed, else active. */
export function keyStatus(row, now = new Date()) {
  if (row.revoked) return 'revoked';
  if (row.expires_at && row.expires_at <= now) return 'expired';
  return 'active';
}

/** The filters of a status choice (all, active, expired, revoked) at time now. */
export function statusFilters(status, now) {
  switch (status) {
    case 'active': return [['revoked', '=', false], ['OR', [['expires_at', '=', null], ['expires_at', '>', now]]]];
    case 'expired': return [['revoked', '=', false], ['expires_at', '<=', now]];
    case 'revoked': return [['revoked', '=', true]];
    default: return [];
  }
}

/** Draws the current rows (or the state) as a table or as cards. */
export function drawRows(p) {
  const cols = COLUMNS.filter((c) => !p.s.hidden.includes(c.id));
  if (p.narrow) mount(p.rows, cards(p));
  else mount(p.rows, table(p, cols));
}

function table(p, cols) {
  const head = h('tr', {}, cols.map((c) => headerCell(p, c)), h('th', { scope: 'col', class: 'actions-col', 'data-test': 'header-actions' },
    h('span', { class: 'visually-hidden' }, 'Actions')));
  const body = state(p, cols.length + 1) || p.s.rows.map((row) => h('tr', { 'data-test': `row-api-key-${row.id}` },
    cols.map((c) => h('td', { 'data-test': `cell-${c.id}`, class: `col-${c.id}` }, cell(c.id, row))),
    h('td', { class: 'actions-col' }, actions(p, row))));
  return h('table', { class: 'table', 'data-test': 'table-api-keys' }, h('thead', {}, head), h('tbody', {}, body));
}

function headerCell(p, c) {
  const { s } = p;
  if (c.unsorted) return h('th', { scope: 'col', 'data-test': `header-${c.id}` }, c.header);
  const dir = s.sort && s.sort.id === c.id ? s.sort.dir : null;
  const sortLabel = dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none';
  const button = h('button', { class: 'sort', type: 'button', onclick: () => {
    if (!s.sort || s.sort.id !== c.id) s.sort = { id: c.id, dir: 'asc' };
    else if (s.sort.dir === 'asc') s.sort.dir = 'desc';
    else s.sort = null;
    s.page = 1;
    p.on.load();
  } }, c.header, dir ? icon(dir === 'asc' ? 'up' : 'down', 'icon sort-icon') : null);
  return h('th', { scope: 'col', 'aria-sort': sortLabel, 'data-test': `header-${c.id}` }, button);
}

// state returns the row of a state other than rows (loading, empty, no
// results, error), or null.
function state(p, span) {
  const row = (dataTest, ...content) => (p.narrow
    ? h('div', { class: 'state-card', 'data-test': dataTest }, ...content)
    : h('tr', { class: 'state-row' }, h('td', { colspan: span, 'data-test': dataTest }, ...content)));
  switch (p.s.state) {
    case 'loading':
      return row('state-loading', h('div', { class: 'spinner spinner-small', 'aria-hidden': 'true' }), 'Loading...');
    case 'empty':
      return row('state-empty', icon('key', 'icon state-icon'), h('p', {}, 'No records have been added yet'));
    case 'none':
      return row('state-no-results', h('p', { class: 'state-title' }, 'No Search Results.'), h('p', {}, 'No matching results found'));
    case 'error':
      return row('state-error', h('p', {}, 'Cannot retrieve response'),
        h('button', { class: 'btn', type: 'button', 'data-test': 'button-retry', onclick: () => p.on.load() }, 'Retry'));
    default:
      return null;
  }
}

function cards(p) {
  const st = state(p, 1);
  if (st) return st;
  return h('ul', { class: 'cards', 'data-test': 'table-api-keys', 'aria-label': 'API keys' }, p.s.rows.map((row) => h('li', {
    class: 'card key-card', 'data-test': `row-api-key-${row.id}` },
  h('div', { class: 'card-head' }, h('h2', { class: 'card-title', 'data-test': 'cell-name' }, row.name), statusBadge(row)),
  h('dl', { class: 'card-facts' },
    fact('Username', 'username', row), fact('Created Date', 'created_at', row), fact('Expires On', 'expires_at', row)),
  actions(p, row))));
}

function fact(label, id, row) {
  return [h('dt', {}, label), h('dd', { 'data-test': `cell-${id}` }, cell(id, row))];
}

function cell(id, row) {
  switch (id) {
    case 'name': return h('span', { class: 'clip', title: row.name }, row.name);
    case 'username': return h('span', { class: 'clip', title: row.username || '' }, row.username || '');
    case 'status': return statusBadge(row);
    case 'local': return row.local ? 'Yes' : 'No';
    case 'revoked': return row.revoked ? 'Yes' : 'No';
    case 'created_at': {
      const text = formatTime(row.created_at, app.timezone);
      const browser = browserTimeLine(row.created_at, app.timezone);
      return browser ? tip(h('span', { tabindex: '0' }, text), browser) : text;
    }
    case 'expires_at': {
      if (!row.expires_at) return 'Never';
      const abs = [formatTime(row.expires_at, app.timezone), browserTimeLine(row.expires_at, app.timezone)].filter(Boolean).join('\n');
      return tip(h('span', { tabindex: '0', class: 'relative' }, relative(row.expires_at)), abs);
    }
    default: return row[id] === null ? '' : String(row[id]);
  }
}

// statusBadge shows a status by icon and word, not by colour alone; a
// revoked key's badge tells why in its tooltip.
function statusBadge(row) {
  const st = keyStatus(row);
  const badge = h('span', { class: `status status-${st}`, 'data-test': 'status-badge' }, icon(STATUS[st].icon, 'icon status-icon'),
    STATUS[st].text);
  if (st !== 'revoked') return badge;
  badge.setAttribute('tabindex', '0');
  return tip(badge, `Revoked: ${row.revoked_reason || 'Unknown reason'}`, 'tooltip-revoked-reason');
}

function actions(p, row) {
  const allowed = canManage(row);
  const done = (focus, id) => p.on.saved(focus, id);
  const button = (kind, name, label, onclick) => h('button', { class: `btn-icon${kind === 'delete' ? ' danger' : ''}`, type: 'button',
    'aria-label': `${label} API key ${row.name}`, 'data-test': `button-${kind}-${row.id}`, onclick }, icon(name));
  const edit = button('edit', 'edit', 'Edit', (e) => openForm(row, e.currentTarget, done));
  const reset = button('reset', 'reset', 'Reset', () => resetDialog(row, done));
  const del = button('delete', 'delete', 'Delete', () => deleteDialog(row, done));
  const wrap = (b, text) => (allowed ? tip(b, text) : gate(b, false));
  return h('div', { class: 'row-actions' }, wrap(edit, 'Edit'), wrap(reset, 'Reset'), wrap(del, 'Delete'));
}
