// The User API Keys screen (web-ui.md section 6): server-side sorting,
// search, paging, live updates and the column organizer.
import { h, icon, mount } from './dom.js';
import { app, roles, navigate, KEYS_ROUTE } from './app.js';
import { gate, tip, announcer } from './ui.js';
import { formatTime, relative, browserTimeLine } from './dates.js';
import { openForm } from './form.js';
import { deleteDialog } from './dialogs.js';
import { columnsMenu, hiddenColumns } from './columns.js';
import { reopenDraft } from './drafts.js';

export const COLUMNS = [
  { id: 'name', header: 'Name' },
  { id: 'username', header: 'Username' },
  { id: 'local', header: 'Local' },
  { id: 'revoked', header: 'Revoked' },
  { id: 'created_at', header: 'Created Date' },
  { id: 'expires_at', header: 'Expires On' },
];
const PAGE_SIZES = [10, 20, 50, 100];

/** Escapes the regular-expression metacharacters of section 6.4. */
export function escapeRegExp(text) { return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'); }

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

function canManage(row) { return canWrite() && (row.username === app.user.pw_name || canManageOthers()); }

/** Renders the page into main and returns its cleanup. */
export function keysPage(main) {
  const params = new URLSearchParams(location.search);
  const s = {
    userName: params.get('userName'), search: '', page: 1, size: 50,
    sort: { id: 'created_at', dir: 'desc' }, rows: [], total: 0, state: 'loading', loaded: false,
    loading: false, again: false, timer: null, hidden: hiddenColumns(),
  };
  const announce = announcer();
  const view = buildView(s, () => load());
  mount(main, view.root);

  async function load() {
    if (s.loading) { s.again = true; return; }
    s.loading = true;
    view.setBusy(s.loaded);
    const filters = buildFilters(s);
    const options = { offset: (s.page - 1) * s.size, limit: s.size };
    if (s.sort) options.order_by = [s.sort.dir === 'desc' ? `-${s.sort.id}` : s.sort.id];
    try {
      const [total, rows] = await Promise.all([
        app.rpc.call('api_key.query', [filters, { count: true }]),
        app.rpc.call('api_key.query', [filters, options])]);
      if (options.offset >= total && total > 0) {
        s.page = Math.ceil(total / s.size);
        s.loading = false;
        load();
        return;
      }
      Object.assign(s, { rows, total, state: rows.length ? 'rows' : (s.search || s.userName ? 'none' : 'empty') });
    } catch (err) {
      console.error('api_key.query failed', err);
      Object.assign(s, { rows: [], total: 0, state: 'error' });
    }
    s.loading = false;
    s.loaded = true;
    view.draw();
    announce(view.rangeText());
    if (s.again) { s.again = false; load(); }
  }

  view.bind(s, load);
  const stopLive = app.rpc.subscribe('api_key.query', () => {
    clearTimeout(s.timer);
    s.timer = setTimeout(load, 300);
  });
  const tick = setInterval(() => view.refreshTimes(), 60000);
  load();
  // Issue 13 item 10: reopen the panel a lost session left open (drafts.js).
  reopenDraft(app.rpc, app.user.pw_name, (row) => openForm(row, null, () => load()));
  return () => { stopLive(); clearTimeout(s.timer); clearInterval(tick); };
}

function buildFilters(s) {
  const filters = [];
  if (s.userName) filters.push(['username', '=', s.userName]);
  const t = s.search.trim();
  if (t) {
    const e = `(?i)${escapeRegExp(t)}`;
    filters.push(['OR', [['name', '~', e], ['username', '~', e]]]);
  }
  return filters;
}

function buildView(s, reload) {
  const root = h('div', { class: 'keys' });
  const parts = { s, root, reload };
  parts.header = header(parts);
  parts.chip = s.userName ? chip(s.userName) : null;
  parts.progress = h('div', { class: 'progress', hidden: true });
  parts.table = h('table', { class: 'table', 'data-test': 'table-api-keys' });
  parts.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  root.append(parts.header, parts.chip || '', h('div', { class: 'table-wrap' }, parts.progress, parts.table), parts.pager);
  return {
    root,
    bind: (state, load) => { parts.load = load; },
    setBusy: (reloading) => {
      parts.progress.hidden = !reloading;
      parts.table.classList.toggle('dim', reloading);
      if (!reloading) drawTable(parts);
    },
    draw: () => { parts.progress.hidden = true; parts.table.classList.remove('dim'); drawTable(parts); drawPager(parts); },
    refreshTimes: () => drawTable(parts),
    rangeText: () => rangeText(s),
  };
}

function header(p) {
  const { s } = p;
  const input = h('input', { class: 'input search-input', type: 'search', placeholder: 'Search', 'aria-label': 'Search',
    'data-test': 'input-search' });
  const clear = h('button', { class: 'btn-icon', type: 'button', 'aria-label': 'Clear search', 'data-test': 'button-clear-search',
    hidden: true }, icon('close'));
  const search = () => { s.search = input.value; s.page = 1; p.load(); };
  input.addEventListener('input', () => { clear.hidden = input.value === ''; });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
  clear.addEventListener('click', () => { input.value = ''; clear.hidden = true; input.focus(); });
  const add = h('button', { class: 'btn btn-primary', type: 'button', 'data-test': 'button-add-api-key',
    onclick: () => openForm(null, add, () => p.load()) }, icon('add'), 'Add');
  p.addButton = add;
  return h('div', { class: 'page-header' },
    h('h1', { 'data-test': 'page-title' }, 'User API Keys'),
    h('div', { class: 'toolbar' },
      h('div', { class: 'search' }, icon('search', 'icon search-icon'), input, clear),
      h('button', { class: 'btn', type: 'button', 'data-test': 'button-search', onclick: search }, 'Search'),
      columnsMenu(COLUMNS, () => { s.hidden = hiddenColumns(); drawTable(p); }),
      h('a', { class: 'btn', href: '/api/docs', target: '_blank', rel: 'noopener', 'data-test': 'link-api-docs' },
        icon('docs'), 'API Docs'),
      gate(add, canWrite())));
}

function chip(userName) {
  return h('div', { class: 'chips' },
    h('span', { class: 'chip', 'data-test': 'chip-username-filter' }, `Username: ${userName}`,
      h('button', { class: 'btn-icon chip-remove', type: 'button', 'aria-label': 'Remove username filter',
        'data-test': 'button-clear-username-filter', onclick: () => navigate(KEYS_ROUTE, true) }, icon('close'))));
}

function visible(s) { return COLUMNS.filter((c) => !s.hidden.includes(c.id)); }

function drawTable(p) {
  const { s } = p;
  const cols = visible(s);
  const head = h('tr', {}, cols.map((c) => headerCell(p, c)), h('th', { scope: 'col', class: 'actions-col', 'data-test': 'header-actions' },
    h('span', { class: 'visually-hidden' }, 'Actions')));
  mount(p.table, h('thead', {}, head), h('tbody', {}, body(p, cols)));
}

function headerCell(p, c) {
  const { s } = p;
  const dir = s.sort && s.sort.id === c.id ? s.sort.dir : null;
  const sortLabel = dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none';
  const button = h('button', { class: 'sort', type: 'button', onclick: () => {
    if (!s.sort || s.sort.id !== c.id) s.sort = { id: c.id, dir: 'asc' };
    else if (s.sort.dir === 'asc') s.sort.dir = 'desc';
    else s.sort = null;
    s.page = 1;
    p.load();
  } }, c.header, dir ? icon(dir === 'asc' ? 'up' : 'down', 'icon sort-icon') : null);
  return h('th', { scope: 'col', 'aria-sort': sortLabel, 'data-test': `header-${c.id}` }, button);
}

function stateRow(cols, dataTest, ...content) {
  return h('tr', { class: 'state-row' }, h('td', { colspan: cols.length + 1, 'data-test': dataTest }, ...content));
}

function body(p, cols) {
  const { s } = p;
  switch (s.state) {
    case 'loading':
      return stateRow(cols, 'state-loading', h('div', { class: 'spinner spinner-small', 'aria-hidden': 'true' }), 'Loading...');
    case 'empty':
      return stateRow(cols, 'state-empty', icon('key', 'icon state-icon'), h('p', {}, 'No records have been added yet'));
    case 'none':
      return stateRow(cols, 'state-no-results', h('p', { class: 'state-title' }, 'No Search Results.'), h('p', {}, 'No matching results found'));
    case 'error':
      return stateRow(cols, 'state-error', h('p', {}, 'Cannot retrieve response'),
        h('button', { class: 'btn', type: 'button', 'data-test': 'button-retry', onclick: () => p.load() }, 'Retry'));
  }
  return s.rows.map((row) => h('tr', { 'data-test': `row-api-key-${row.id}` },
    cols.map((c) => h('td', { 'data-test': `cell-${c.id}` }, cell(c.id, row))), actions(p, row)));
}

function cell(id, row) {
  switch (id) {
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

function actions(p, row) {
  const allowed = canManage(row);
  const edit = row.revoked ? null : h('button', { class: 'btn-icon', type: 'button', 'aria-label': `Edit API key ${row.name}`,
    'data-test': `button-edit-${row.id}`, onclick: (e) => openForm(row, e.currentTarget, () => p.load()) }, icon('edit'));
  const del = h('button', { class: 'btn-icon danger', type: 'button', 'aria-label': `Delete API key ${row.name}`,
    'data-test': `button-delete-${row.id}`, onclick: () => deleteDialog(row, () => p.load()) }, icon('delete'));
  const wrap = (b, text) => (allowed ? tip(b, text) : gate(b, false));
  return h('td', { class: 'actions-col' }, h('div', { class: 'row-actions' }, edit ? wrap(edit, 'Edit') : null, wrap(del, 'Delete')));
}

function rangeText(s) {
  if (!s.total) return '0 of 0';
  const first = (s.page - 1) * s.size + 1;
  return `${first} – ${Math.min(s.page * s.size, s.total)} of ${s.total}`;
}

function drawPager(p) {
  const { s } = p;
  const last = Math.max(1, Math.ceil(s.total / s.size));
  const go = (page) => { s.page = page; p.load(); };
  const button = (label, name, dataTest, page, disabled) => h('button', { class: 'btn-icon', type: 'button',
    'aria-label': label, 'data-test': dataTest, disabled, onclick: () => go(page) }, icon(name));
  const select = h('select', { class: 'select', 'aria-label': 'Items per page', 'data-test': 'select-page-size',
    onchange: (e) => { s.size = Number(e.target.value); s.page = 1; p.load(); } },
  PAGE_SIZES.map((n) => h('option', { value: n, selected: n === s.size }, String(n))));
  mount(p.pager,
    h('span', { class: 'pager-label', 'aria-hidden': 'true' }, 'Items per page:'), select,
    h('span', { class: 'pager-range', 'data-test': 'pager-range' }, rangeText(s)),
    button('First Page', 'first', 'button-first-page', 1, s.page <= 1),
    button('Previous Page', 'prev', 'button-previous-page', s.page - 1, s.page <= 1),
    button('Next Page', 'next', 'button-next-page', s.page + 1, s.page >= last),
    button('Last Page', 'last', 'button-last-page', last, s.page >= last));
}
