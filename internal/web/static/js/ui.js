// Shared pieces of the interface: modal dialogs and the side panel with
// focus trapping, the snackbar, the global loader, tooltips and controls
// disabled for lack of permission.
import { h, icon, uid } from './dom.js';

const open = new Set(); // open overlays, newest last

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.offsetParent !== null);
}

/** Keeps Tab and Shift+Tab inside root. */
function trapFocus(root, e) {
  if (e.key !== 'Tab') return;
  const list = focusables(root);
  if (!list.length) return;
  const first = list[0];
  const last = list[list.length - 1];
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  else if (!root.contains(document.activeElement)) { e.preventDefault(); first.focus(); }
}

/**
 * Shows an overlay: a modal dialog (kind 'dialog') or the side panel
 * (kind 'panel'). onEscape decides what Escape and a backdrop click do
 * (nothing when it is null). Returns {el, close}; close returns focus to
 * the element focused before.
 */
export function overlay({ kind = 'dialog', labelledBy, content, dataTest, onEscape, initialFocus, wide }) {
  const opener = document.activeElement;
  const box = h('div', {
    class: kind === 'panel' ? 'panel' : `dialog${wide ? ' dialog-wide' : ''}`, role: 'dialog',
    'aria-modal': 'true', 'aria-labelledby': labelledBy, 'data-test': dataTest,
  }, content);
  const backdrop = h('div', { class: `backdrop backdrop-${kind}` }, box);
  const entry = { close: null };
  const onKey = (e) => {
    if ([...open].pop() !== entry) return;
    if (e.key === 'Escape' && onEscape) { e.preventDefault(); onEscape(); }
    trapFocus(box, e);
  };
  backdrop.addEventListener('mousedown', (e) => { if (e.target === backdrop && onEscape) onEscape(); });
  document.addEventListener('keydown', onKey);
  entry.close = () => {
    if (!open.has(entry)) return;
    open.delete(entry);
    document.removeEventListener('keydown', onKey);
    backdrop.remove();
    setInert();
    if (opener && opener.isConnected && opener.focus) opener.focus();
  };
  open.add(entry);
  document.body.append(backdrop);
  setInert();
  const target = initialFocus || focusables(box)[0];
  if (target) target.focus();
  return { el: box, close: entry.close };
}

// While an overlay is open, the page behind it is inert: not focusable,
// not clickable, hidden from assistive technology.
function setInert() {
  const app = document.getElementById('app');
  if (app) app.inert = open.size > 0;
}

/** Closes every dialog and the panel (the connection dropped). */
export function closeAll() {
  for (const e of [...open].reverse()) e.close();
}

/** A dialog title element with a fresh id. */
export function title(text, tag = 'h2') {
  return h(tag, { id: uid('title'), class: 'dialog-title' }, text);
}

/** The error dialog of web-ui.md section 5. */
export function errorDialog(text) {
  const t = title('Error');
  const lines = String(text).split('\n').filter((l) => l !== '');
  const close = h('button', { class: 'btn', type: 'button', onclick: () => d.close() }, 'Close');
  const d = overlay({
    labelledBy: t.id, dataTest: 'dialog-error', onEscape: () => d.close(),
    content: [t, h('div', { class: 'dialog-body' }, lines.map((l) => h('p', {}, l))), h('div', { class: 'dialog-actions' }, close)],
  });
  return d;
}

let snackTimer = null;
/** Shows a message at the bottom for 4 s. */
export function snackbar(text) {
  let el = document.querySelector('[data-test="snackbar"]');
  if (!el) {
    el = h('div', { class: 'snackbar', role: 'status', 'data-test': 'snackbar' });
    document.body.append(el);
  }
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(snackTimer);
  snackTimer = setTimeout(() => { el.classList.remove('show'); el.textContent = ''; }, 4000);
}

/** Runs fn under the full-page loader. */
export async function withLoader(fn) {
  const el = h('div', { class: 'global-loader', 'data-test': 'global-loader' },
    h('div', { class: 'spinner', role: 'progressbar', 'aria-label': 'Please wait' }));
  document.body.append(el);
  try { return await fn(); } finally { el.remove(); }
}

// place puts a tooltip above its anchor (below when there is no room),
// kept inside the window. It is position: fixed, so no scrolling box of
// the page (the table's) can clip it.
function place(t, anchor) {
  const r = anchor.getBoundingClientRect();
  const margin = 6;
  const w = t.offsetWidth;
  const ht = t.offsetHeight;
  const left = Math.min(Math.max(margin, r.left + r.width / 2 - w / 2), window.innerWidth - w - margin);
  const top = r.top - ht - margin >= 0 ? r.top - ht - margin : r.bottom + margin;
  t.style.left = `${Math.max(margin, left)}px`;
  t.style.top = `${top}px`;
}

/** Attaches a tooltip shown on hover and on keyboard focus. */
export function tip(target, text, dataTest) {
  const t = h('span', { class: 'tooltip', role: 'tooltip', id: uid('tip'), 'data-test': dataTest }, text);
  const show = () => { place(t, target); t.classList.add('show'); };
  const hide = () => t.classList.remove('show');
  target.addEventListener('mouseenter', show);
  target.addEventListener('mouseleave', hide);
  target.addEventListener('focus', show);
  target.addEventListener('blur', hide);
  const described = target.getAttribute('aria-describedby');
  target.setAttribute('aria-describedby', described ? `${described} ${t.id}` : t.id);
  return h('span', { class: 'tip-anchor' }, target, t);
}

/**
 * A control the user may not use: it stays focusable with
 * aria-disabled="true", ignores activation, and shows a lock and the
 * tooltip `Missing permissions for this action`.
 */
export function gate(control, allowed) {
  if (allowed) return control;
  control.setAttribute('aria-disabled', 'true');
  control.classList.add('locked');
  control.addEventListener('click', (e) => { e.preventDefault(); e.stopImmediatePropagation(); }, true);
  const wrapped = tip(control, 'Missing permissions for this action', 'tooltip-missing-permissions');
  const lock = icon('lock', 'icon icon-lock');
  lock.setAttribute('data-test', 'icon-lock');
  wrapped.prepend(lock);
  return wrapped;
}

/**
 * A polite live region for announcements: announce(text). announce.clear()
 * empties it, so that a page's last words do not outlive the page.
 */
export function announcer() {
  let el = document.getElementById('announcer');
  if (!el) {
    el = h('div', { id: 'announcer', class: 'visually-hidden', 'aria-live': 'polite' });
    document.body.append(el);
  }
  let timer = null;
  const announce = (text) => {
    el.textContent = '';
    clearTimeout(timer);
    timer = setTimeout(() => { el.textContent = text; }, 50);
  };
  announce.clear = () => { clearTimeout(timer); el.textContent = ''; };
  return announce;
}
