// Drafts: the input of an open Add/Edit panel kept across the end of a
// session (issue 13, item 10). While the panel is open it registers a
// provider; when the session ends the app saves what the provider returns
// in sessionStorage, and after the next sign-in the keys page reopens the
// panel and puts the input back. A draft belongs to the user who typed it,
// is used once, and never holds a key (the key dialog is not a draft).
// Controls are read and filled by their data-test attributes, so fields the
// form gains later are kept too. This module imports nothing.

const KEY = 'keyward.draft';
const CONTROLS = 'input[data-test], select[data-test], textarea[data-test]';

let provider = null;

/**
 * Registers the open panel: fn returns {id, values} (id null for Add) or
 * null once the panel has closed. The newest registration wins.
 */
export function provideDraft(fn) { provider = fn; }

/** Saves the open panel's input as username's draft; reports whether there was one. */
export function saveDraft(username) {
  const d = provider ? provider() : null;
  provider = null;
  if (!d) return false;
  sessionStorage.setItem(KEY, JSON.stringify({ username, id: d.id ?? null, values: d.values }));
  return true;
}

/** Forgets any saved draft (Log Out). */
export function dropDraft() {
  sessionStorage.removeItem(KEY);
}

/** Takes the saved draft if username typed it; any draft is taken once. */
export function takeDraft(username) {
  const raw = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  if (!raw) return null;
  try {
    const d = JSON.parse(raw);
    return d && d.username === username && d.values && typeof d.values === 'object' ? d : null;
  } catch {
    return null;
  }
}

/** The values of the controls under root, by data-test. */
export function readControls(root) {
  const values = {};
  for (const el of root.querySelectorAll(CONTROLS)) {
    values[el.getAttribute('data-test')] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return values;
}

/**
 * Puts values back into the controls under root in document order, firing
 * the events a user's input fires, so the form validates and checks as it
 * would. A select whose option is not there yet (options load from the
 * server) is set when the option arrives.
 */
export function fillControls(root, values) {
  for (const el of root.querySelectorAll(CONTROLS)) {
    const test = el.getAttribute('data-test');
    if (!(test in values) || el.disabled) continue;
    const v = values[test];
    if (el.type === 'checkbox') {
      if (el.checked !== !!v) { el.checked = !!v; fire(el, 'change'); }
    } else if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === v)) {
      whenOption(el, String(v));
    } else if (el.value !== v) {
      el.value = String(v);
      fire(el, 'input');
      fire(el, 'change');
    }
  }
}

function fire(el, type) { el.dispatchEvent(new Event(type, { bubbles: true })); }

// Sets select to v once an option with that value appears; gives up when
// the select leaves the page.
function whenOption(select, v) {
  const obs = new MutationObserver(() => {
    if (!select.isConnected) { obs.disconnect(); return; }
    if (![...select.options].some((o) => o.value === v)) return;
    obs.disconnect();
    if (select.value !== v) { select.value = v; fire(select, 'change'); }
  });
  obs.observe(select, { childList: true });
}

/**
 * Reopens the panel of username's draft, if there is one: open(row) opens
 * the form (row null for Add) and returns its panel ({el}). The row of an
 * Edit draft is fetched again; a key deleted meanwhile drops the draft.
 */
export async function reopenDraft(rpc, username, open) {
  const d = takeDraft(username);
  if (!d) return;
  let row = null;
  if (d.id !== null) {
    const rows = await rpc.call('api_key.query', [[['id', '=', d.id]]]).catch(() => []);
    if (!rows.length) return;
    row = rows[0];
  }
  const panel = open(row);
  if (panel && panel.el) fillControls(panel.el, d.values);
}
