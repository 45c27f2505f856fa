// The keys page's view: toolbar (search, status filter, columns, docs,
// Add), the username chip, the rows (keysrows.js) and the pager.
import { h, icon, mount } from './dom.js';
import { gate } from './ui.js';
import { openForm } from './form.js';
import { columnsMenu, hiddenColumns } from './columns.js';
import { canWrite } from './perms.js';
import { drawRows, narrowQuery } from './keysrows.js';

const PAGE_SIZES = [10, 20, 50, 100];
const STATUS_OPTIONS = [['all', 'All'], ['active', 'Active'], ['expired', 'Expired'], ['revoked', 'Revoked']];

/**
 * Builds the page for state s; on holds the controller's actions (load,
 * search, setStatus, saved, removeUserName).
 */
export function buildView(s, on) {
  const root = h('div', { class: 'keys' });
  const p = { s, on, root, narrow: window.matchMedia(narrowQuery).matches };
  p.header = header(p);
  p.chipBox = h('div', { class: 'chips' }, s.userName ? chip(p) : null);
  p.chipBox.hidden = !s.userName;
  p.progress = h('div', { class: 'progress', hidden: true });
  p.rows = h('div', { class: 'rows' });
  p.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  root.append(p.header, p.chipBox, h('div', { class: 'table-wrap' }, p.progress, p.rows), p.pager);
  const redraw = () => drawRows(p);
  return {
    root,
    setBusy: (reloading) => {
      p.progress.hidden = !reloading;
      p.rows.classList.toggle('dim', reloading);
      if (!reloading) redraw();
    },
    draw: () => { p.progress.hidden = true; p.rows.classList.remove('dim'); redraw(); drawPager(p); },
    refreshTimes: redraw,
    rangeText: () => rangeText(s),
    dropChip: () => { p.chipBox.replaceChildren(); p.chipBox.hidden = true; },
    // watchWidth switches between the table and the cards of narrow
    // screens; it returns the function that stops watching.
    watchWidth: () => {
      const mq = window.matchMedia(narrowQuery);
      const change = () => { p.narrow = mq.matches; redraw(); };
      mq.addEventListener('change', change);
      return () => mq.removeEventListener('change', change);
    },
  };
}

function header(p) {
  const { s, on } = p;
  const input = h('input', { class: 'input search-input', type: 'search', placeholder: 'Search', 'aria-label': 'Search',
    'data-test': 'input-search', value: s.search });
  const clear = h('button', { class: 'btn-icon', type: 'button', 'aria-label': 'Clear search', 'data-test': 'button-clear-search',
    hidden: s.search === '' }, icon('close'));
  input.addEventListener('input', () => { clear.hidden = input.value === ''; on.search(input.value, false); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); on.search(input.value, true); } });
  clear.addEventListener('click', () => { input.value = ''; clear.hidden = true; input.focus(); on.search('', true); });
  const status = h('select', { class: 'select status-filter', 'aria-label': 'Status', 'data-test': 'select-status-filter',
    onchange: (e) => on.setStatus(e.target.value) },
  STATUS_OPTIONS.map(([v, text]) => h('option', { value: v, selected: v === s.status }, text)));
  const add = h('button', { class: 'btn btn-primary', type: 'button', 'data-test': 'button-add-api-key',
    onclick: () => openForm(null, add, (focus, id) => on.saved(focus, id)) }, icon('add'), 'Add');
  return h('div', { class: 'page-header' },
    h('h1', { 'data-test': 'page-title' }, 'User API Keys'),
    h('div', { class: 'toolbar' },
      h('div', { class: 'search' }, icon('search', 'icon search-icon'), input, clear),
      h('button', { class: 'btn', type: 'button', 'data-test': 'button-search', onclick: () => on.search(input.value, true) }, 'Search'),
      h('label', { class: 'status-label' }, h('span', { class: 'visually-hidden' }, 'Status'), status),
      columnsMenu(() => { s.hidden = hiddenColumns(); drawRows(p); }),
      h('a', { class: 'btn', href: '/api/docs', target: '_blank', rel: 'noopener', 'data-test': 'link-api-docs' },
        icon('docs'), 'API Docs'),
      gate(add, canWrite())));
}

function chip(p) {
  return h('span', { class: 'chip', 'data-test': 'chip-username-filter' }, `Username: ${p.s.userName}`,
    h('button', { class: 'btn-icon chip-remove', type: 'button', 'aria-label': 'Remove username filter',
      'data-test': 'button-clear-username-filter', onclick: () => p.on.removeUserName() }, icon('close')));
}

/** The range label: `1 – 50 of 123`, or `0 of 0`. */
export function rangeText(s) {
  if (!s.total) return '0 of 0';
  const first = (s.page - 1) * s.size + 1;
  return `${first} – ${Math.min(s.page * s.size, s.total)} of ${s.total}`;
}

function drawPager(p) {
  const { s } = p;
  const lastPage = () => Math.max(1, Math.ceil(s.total / s.size));
  const last = lastPage();
  // The target page is worked out when the button is pressed, from the
  // state then: a pager drawn before a reload never jumps to a stale page.
  const go = (to) => { s.page = Math.min(Math.max(1, to()), lastPage()); p.on.load(); };
  const button = (label, name, dataTest, to, disabled) => h('button', { class: 'btn-icon', type: 'button',
    'aria-label': label, 'data-test': dataTest, disabled, onclick: () => go(to) }, icon(name));
  const select = h('select', { class: 'select', 'aria-label': 'Items per page', 'data-test': 'select-page-size',
    onchange: (e) => { s.size = Number(e.target.value); s.page = 1; p.on.load(); } },
  PAGE_SIZES.map((n) => h('option', { value: n, selected: n === s.size }, String(n))));
  mount(p.pager,
    h('span', { class: 'pager-label', 'aria-hidden': 'true' }, 'Items per page:'), select,
    h('span', { class: 'pager-range', 'data-test': 'pager-range' }, rangeText(s)),
    button('First Page', 'first', 'button-first-page', () => 1, s.page <= 1),
    button('Previous Page', 'prev', 'button-previous-page', () => s.page - 1, s.page <= 1),
    button('Next Page', 'next', 'button-next-page', () => s.page + 1, s.page >= last),
    button('Last Page', 'last', 'button-last-page', lastPage, s.page >= last));
}
