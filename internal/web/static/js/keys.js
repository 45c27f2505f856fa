// The User API Keys screen (web-ui.md section 6): server-side sorting,
// search as you type, a status filter, paging, live updates, the column
// organizer, and a URL that holds the view so it can be shared and
// survives a reload.
import { mount } from './dom.js';
import { app, KEYS_ROUTE } from './state.js';
import { announcer } from './ui.js';
import { hiddenColumns } from './columns.js';
import { buildView } from './keysview.js';
import { statusFilters } from './keysrows.js';
import { openForm } from './form.js';
import { reopenDraft } from './drafts.js';

const PAGE_SIZES = [10, 20, 50, 100];
const STATUSES = ['all', 'active', 'expired', 'revoked'];
const DEFAULT_SORT = '-created_at';
const SEARCH_DEBOUNCE_MS = 250;

/** Renders the page into main and returns its cleanup. */
export function keysPage(main) {
  const s = fromURL(new URLSearchParams(location.search));
  Object.assign(s, { rows: [], total: 0, state: 'loading', loaded: false, loading: false, again: false,
    timer: null, searchTimer: null, hidden: hiddenColumns(), focusAfter: null });
  const announce = announcer();
  const view = buildView(s, { load, search, setStatus, saved, removeUserName });
  mount(main, view.root);

  async function load() {
    // A reload now also covers the change a pending live event announced.
    clearTimeout(s.timer);
    if (s.loading) { s.again = true; return; }
    s.loading = true;
    toURL(s);
    view.setBusy(s.loaded);
    const filters = buildFilters(s, new Date());
    const options = { offset: (s.page - 1) * s.size, limit: s.size };
    if (s.sort) options.order_by = [orderBy(s.sort)];
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
      const filtered = s.search.trim() || s.userName || s.status !== 'all';
      Object.assign(s, { rows, total, state: rows.length ? 'rows' : (filtered ? 'none' : 'empty') });
    } catch (err) {
      console.error('api_key.query failed', err);
      Object.assign(s, { rows: [], total: 0, state: 'error' });
    }
    s.loading = false;
    s.loaded = true;
    // The latest answer wins: while a newer request waits, this one is
    // not drawn.
    if (s.again) { s.again = false; load(); return; }
    view.draw();
    announce(view.rangeText());
    refocus();
  }

  // search runs the search: at once (Enter, Search, clearing it), or after
  // the user stopped typing for a moment.
  function search(text, now) {
    clearTimeout(s.searchTimer);
    const run = () => { s.search = text; s.page = 1; load(); };
    if (now) run();
    else s.searchTimer = setTimeout(run, SEARCH_DEBOUNCE_MS);
  }

  function setStatus(status) { s.status = status; s.page = 1; load(); }

  function removeUserName() { s.userName = null; s.page = 1; view.dropChip(); load(); }

  // saved is told after a change made on this page to key id: the list
  // reloads once and focus goes to focusTest (a data-test) once it is
  // drawn, or to Add. The live event of that change, if it has not come
  // yet, is not followed by a second reload.
  function saved(focusTest, id) {
    s.focusAfter = focusTest || 'button-add-api-key';
    if (id !== undefined && id !== null) s.ownChange = { id, until: Date.now() + 3000 };
    load();
  }

  function refocus() {
    if (!s.focusAfter) return;
    const want = document.querySelector(`[data-test="${s.focusAfter}"]`) || document.querySelector('[data-test="button-add-api-key"]');
    s.focusAfter = null;
    if (want && !document.querySelector('[aria-modal="true"]')) want.focus();
  }

  const stopLive = app.rpc.subscribe('api_key.query', (ev) => {
    const own = s.ownChange;
    if (own && ev && ev.id === own.id && Date.now() < own.until) { s.ownChange = null; return; }
    clearTimeout(s.timer);
    s.timer = setTimeout(load, 300);
  });
  const tick = setInterval(() => view.refreshTimes(), 60000);
  const stopMedia = view.watchWidth();
  load();
  // Issue 13 item 10: reopen the panel a lost session left open (drafts.js).
  reopenDraft(app.rpc, app.user.pw_name, (row) => openForm(row, null, saved));
  return () => {
    stopLive(); stopMedia(); clearTimeout(s.timer); clearTimeout(s.searchTimer); clearInterval(tick); announce.clear();
  };
}

// fromURL reads the view from the query string; unknown or bad values
// fall back to the defaults.
function fromURL(p) {
  const size = Number(p.get('size'));
  const page = Number(p.get('page'));
  const status = p.get('status');
  return {
    userName: p.get('userName'), search: p.get('search') || '',
    status: STATUSES.includes(status) ? status : 'all',
    size: PAGE_SIZES.includes(size) ? size : 50,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    sort: parseSort(p.has('sort') ? p.get('sort') : DEFAULT_SORT),
  };
}

function parseSort(text) {
  if (!text || text === 'none') return null;
  const desc = text.startsWith('-');
  const id = desc ? text.slice(1) : text;
  if (!/^[a-z_]+$/.test(id)) return null;
  return { id, dir: desc ? 'desc' : 'asc' };
}

function sortText(sort) { return sort ? `${sort.dir === 'desc' ? '-' : ''}${sort.id}` : 'none'; }

// toURL writes the view into the address bar (replacing the entry): only
// what differs from the defaults, so the plain page keeps a plain URL.
function toURL(s) {
  const p = new URLSearchParams();
  if (s.userName) p.set('userName', s.userName);
  if (s.search.trim()) p.set('search', s.search.trim());
  if (s.status !== 'all') p.set('status', s.status);
  if (sortText(s.sort) !== DEFAULT_SORT) p.set('sort', sortText(s.sort));
  if (s.size !== 50) p.set('size', String(s.size));
  if (s.page !== 1) p.set('page', String(s.page));
  const q = p.toString();
  const url = KEYS_ROUTE + (q ? `?${q}` : '');
  if (location.pathname === KEYS_ROUTE && url !== location.pathname + location.search) history.replaceState(null, '', url);
}

// orderBy is the order_by term of a sort. Keys without expiry sort as the
// latest to expire: last ascending, first descending.
function orderBy(sort) {
  const term = `${sort.dir === 'desc' ? '-' : ''}${sort.id}`;
  if (sort.id !== 'expires_at') return term;
  return sort.dir === 'desc' ? `nulls_first:${term}` : `nulls_last:${term}`;
}

/** The query filters of the view at time now. */
export function buildFilters(s, now) {
  const filters = [];
  if (s.userName) filters.push(['username', '=', s.userName]);
  const t = s.search.trim();
  if (t) filters.push(['OR', [['name', 'Crin', t], ['username', 'Crin', t]]]);
  filters.push(...statusFilters(s.status, now));
  return filters;
}
