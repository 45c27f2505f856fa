// The Add / Edit API Key side panel (web-ui.md section 7).
import { h, icon, uid } from './dom.js';
import { app } from './state.js';
import { overlay, title, errorDialog, withLoader, gate, announcer, snackbar } from './ui.js';
import { keyDialog, unsavedDialog } from './dialogs.js';
import { canWrite, canManageOthers } from './perms.js';
import { localDay, localMidnight, tomorrow } from './dates.js';
import { provideDraft, readControls } from './drafts.js';

/** One labelled control with its hint and error lines. */
function field(label, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  const err = h('p', { class: 'field-error', id: `${id}-err` });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintEl && hintEl.id, err.id].filter(Boolean).join(' '));
  const isCheck = control.type === 'checkbox';
  const el = isCheck
    ? h('div', { class: 'field field-check' }, h('label', { class: 'check', for: id }, control, label), hintEl, err)
    : h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl, err);
  return { el, control, err, label };
}

/**
 * Opens the panel for row (null: Add). opener gets focus back; saved(focus)
 * is told after a successful save (the list reloads, then focus goes to
 * the element with data-test focus, or to Add).
 */
export function openForm(row, opener, saved) {
  const editing = row !== null;
  const me = app.user.pw_name;
  const f = buildFields(row, editing, me);
  const announce = announcer();
  const t = title(editing ? 'Edit API Key' : 'Add API Key');
  const progress = h('div', { class: 'progress', hidden: true });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', 'data-test': 'button-save' }, 'Save');
  const revokedNote = editing && row.revoked ? h('p', { class: 'notice', role: 'note', 'data-test': 'notice-revoked' },
    icon('revoked'), h('span', { class: 'wrap' }, `This key was revoked: ${row.revoked_reason || 'Unknown reason'}. `,
      'Tick Reset to issue a new key and make it work again.')) : null;
  const form = h('form', { class: 'form', novalidate: true }, revokedNote,
    h('fieldset', {}, h('legend', { class: 'visually-hidden' }, 'API key'),
      f.name.el, f.username ? f.username.el : null, f.nonExpiring.el, f.expires.el, f.reset ? f.reset.el : null),
    h('div', { class: 'panel-actions' }, gate(save, canWrite())));
  const initial = JSON.stringify(snapshot(f));
  const s = { checking: false, saving: false, dup: '', server: {}, changed: () => JSON.stringify(snapshot(f)) !== initial };
  const requestClose = async () => {
    if (s.saving) return;
    if (s.changed() && !await unsavedDialog()) return;
    panel.close();
  };
  const closeBtn = h('button', { class: 'btn-icon', type: 'button', 'aria-label': 'Close', 'data-test': 'button-close-panel',
    onclick: requestClose }, icon('close'));
  const panel = overlay({
    kind: 'panel', labelledBy: t.id, dataTest: 'panel-api-key-form', onEscape: requestClose, initialFocus: f.name.control,
    content: [h('div', { class: 'panel-header' }, t, closeBtn), progress, form],
  });
  const validate = () => check(f, s, save, editing);
  wire(f, s, validate, editing);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (save.disabled || save.getAttribute('aria-disabled') === 'true') return;
    submit({ f, s, row, editing, me, panel, progress, validate, announce, opener, saved });
  });
  validate();
  // Issue 13 item 10: if the session ends, the app keeps this input as a draft (drafts.js).
  provideDraft(() => (panel.el.isConnected ? { id: editing ? row.id : null, values: readControls(panel.el) } : null));
  return panel;
}

function buildFields(row, editing, me) {
  const name = field('Name', h('input', { class: 'input', type: 'text', 'data-test': 'input-name', value: editing ? row.name : '' }),
    'Descriptive identifier for this API key.');
  let username = null;
  if (canManageOthers()) {
    const owner = editing ? row.username : me;
    const select = h('select', { class: 'select', 'data-test': 'select-username', disabled: editing },
      h('option', { value: owner, selected: true }, owner));
    username = field('Username', select, 'Only users with the required privileges are shown. Username associated with this API key.');
    if (!editing) loadUsernames(select, owner);
  }
  const nonExpiring = field('Non-expiring', h('input', { type: 'checkbox', 'data-test': 'checkbox-non-expiring',
    checked: !editing || !row.expires_at }), 'Enable this to create a token with no expiration date. The token will stay active until it is manually revoked or updated.');
  const expires = field('Expires On', h('input', { class: 'input', type: 'date', min: tomorrow(), 'data-test': 'input-expires-on',
    value: editing && row.expires_at ? localDay(row.expires_at) : '' }), 'The key stops working at the start of this day (00:00, your local time).');
  let reset = null;
  if (editing && (row.username === me || canManageOthers())) {
    reset = field('Reset', h('input', { type: 'checkbox', 'data-test': 'checkbox-reset' }),
      'Remove the existing API key and generate a new random key. A dialog shows the new key and has an option to copy the key. Back up and secure the API key! The key string is displayed only one time, at creation.');
  }
  return { name, username, nonExpiring, expires, reset };
}

async function loadUsernames(select, owner) {
  try {
    const users = await app.rpc.call('user.query', [[['roles', '!=', []]], { select: ['username'], order_by: ['username'] }]);
    const names = users.map((u) => u.username);
    if (!names.includes(owner)) names.unshift(owner);
    select.replaceChildren(...names.map((n) => h('option', { value: n, selected: n === owner }, n)));
  } catch (err) {
    console.error('user.query failed', err);
  }
}

function snapshot(f) {
  return [f.name.control.value, f.username && f.username.control.value, f.nonExpiring.control.checked,
    f.expires.control.value, f.reset && f.reset.control.checked];
}

function wire(f, s, validate, editing) {
  let timer = null;
  f.name.control.addEventListener('input', () => {
    s.server.name = '';
    s.dup = '';
    validate();
    if (editing) return;
    clearTimeout(timer);
    const v = f.name.control.value;
    if (!v.trim()) { s.checking = false; validate(); return; }
    s.checking = true;
    validate();
    timer = setTimeout(async () => {
      try {
        const n = await app.rpc.call('api_key.query', [[['name', '=', v.trim()]], { count: true }]);
        if (f.name.control.value === v) s.dup = n > 0 ? `The name "${v.trim()}" is already in use.` : '';
      } catch { s.dup = ''; }
      if (f.name.control.value === v) { s.checking = false; validate(); }
    }, 300);
  });
  const touch = (fld) => fld.control.addEventListener('blur', () => {
    s.touched = true;
    const errs = validate();
    const key = fld === f.name ? 'name' : 'expires_at';
    if (errs[key]) announcer()(`Errors in ${fld.label}: ${errs[key]}`);
  });
  touch(f.name);
  touch(f.expires);
  f.nonExpiring.control.addEventListener('change', () => { s.server.expires_at = ''; validate(); });
  f.expires.control.addEventListener('input', () => { s.server.expires_at = ''; validate(); });
  if (f.reset) f.reset.control.addEventListener('change', validate);
}

/** Checks the fields, shows their errors and enables Save; returns the errors. */
function check(f, s, save, editing) {
  const raw = f.name.control.value;
  const name = raw.trim(); // names are stored without leading and trailing spaces
  const errs = {
    name: !name ? 'Name is required' : [...name].length > 200 ? 'The length of Name should be no more than 200' : s.dup || s.server.name || '',
    username: f.username && !f.username.control.value ? 'Username is required' : (s.server.username || ''),
    expires_at: '',
  };
  f.expires.el.hidden = f.nonExpiring.control.checked;
  if (!f.nonExpiring.control.checked) {
    const day = f.expires.control.value;
    errs.expires_at = !day ? 'Expires On is required' : day < tomorrow() ? 'Expires On must be a future date' : (s.server.expires_at || '');
  }
  errs.reset = s.server.reset || '';
  show(f.name, errs.name, raw !== '' || s.touched);
  if (f.username) show(f.username, errs.username, true);
  show(f.expires, errs.expires_at, f.expires.control.value !== '' || s.touched);
  if (f.reset) show(f.reset, errs.reset, true);
  // Edit saves only a change.
  save.disabled = s.checking || s.saving || Object.values(errs).some(Boolean) || (editing && !s.changed());
  return errs;
}

function show(fld, msg, visible) {
  fld.err.textContent = visible ? msg : '';
  fld.control.setAttribute('aria-invalid', String(Boolean(visible) && Boolean(msg)));
}

async function submit(ctx) {
  const { f, s, row, editing, me, panel, progress, validate, announce } = ctx;
  const expires = f.nonExpiring.control.checked ? null : localMidnight(f.expires.control.value);
  const name = f.name.control.value.trim();
  const owner = editing ? row.username : (f.username ? f.username.control.value : me);
  const call = editing
    ? ['api_key.update', [row.id, { name, reset: !!(f.reset && f.reset.control.checked), expires_at: expires }]]
    : ['api_key.create', [{ name, username: owner, expires_at: expires }]];
  s.saving = true;
  progress.hidden = false;
  validate();
  try {
    const result = await withLoader(() => app.rpc.call(...call));
    panel.close();
    ctx.saved(editing ? `button-edit-${row.id}` : null, result && result.id);
    if (result && result.key) keyDialog(result.key, () => refocus(ctx), { owner, name: result.name });
    else if (editing) snackbar('API key updated');
  } catch (err) {
    if (editing && gone(err)) {
      panel.close();
      ctx.saved(null);
      errorDialog('This API key no longer exists: it was deleted, perhaps by someone else.');
    } else if (err.code === -32602) serverErrors(ctx, err);
    else errorDialog(err.message);
  } finally {
    s.saving = false;
    progress.hidden = true;
    if (document.body.contains(f.name.control)) validate();
  }
}

// Focus goes back to the control that opened the form: Add, or the row's
// Edit button if the row is still there.
function refocus({ opener }) {
  const test = opener && opener.getAttribute('data-test');
  const again = test && document.querySelector(`[data-test="${test}"]`);
  const target = again || document.querySelector('[data-test="button-add-api-key"]');
  if (target) target.focus();
}

// gone reports the answer to an update of a key that no longer exists
// (-32602 ENOENT `ApiKey <id> does not exist`, with no attribute).
function gone(err) {
  return err.code === -32602 && err.extra.some(([attr, , errno]) => (attr === null || attr === 'None') && errno === 2);
}

// fieldOf names the control a -32602 triple belongs to: the last
// non-numeric segment of its attribute, or, for an attribute naming the
// whole parameter (`api_key_update: name must be unique`), the field its
// message starts with.
function fieldOf(attr, msg, controls) {
  const seg = String(attr ?? 'None').split('.').filter((x) => !/^\d+$/.test(x)).pop();
  if (controls[seg]) return seg;
  if (/^api_key_(create|update)$/.test(seg)) return Object.keys(controls).find((k) => controls[k] && msg.startsWith(`${k} `)) || null;
  return null;
}

// Attaches -32602 triples to the controls they concern; the rest go to the
// error dialog (section 7.4).
function serverErrors(ctx, err) {
  const { f, s, validate, announce } = ctx;
  const controls = { name: f.name, username: f.username, expires_at: f.expires, reset: f.reset };
  const rest = [];
  s.server = {};
  for (const [attr, msg] of err.extra) {
    const seg = fieldOf(attr, msg, controls);
    if (seg) s.server[seg] = s.server[seg] ? `${s.server[seg]} ${msg}` : msg;
    else rest.push(`${attr ?? 'None'}: ${msg}`);
  }
  validate();
  const first = Object.keys(controls).find((k) => s.server[k] && controls[k]);
  if (first) {
    controls[first].control.scrollIntoView({ block: 'center' });
    controls[first].control.focus();
    announce(`Errors in ${controls[first].label}: ${s.server[first]}`);
  }
  if (rest.length) errorDialog(['Validation errors:', ...rest].join('\n'));
}
