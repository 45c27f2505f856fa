// The key dialog (section 8), the delete dialog (section 9), the reset
// dialog and the unsaved-changes question (section 7.1).
import { h, icon } from './dom.js';
import { app } from './state.js';
import { overlay, title, errorDialog, snackbar, withLoader } from './ui.js';

/** A file name for a key's text file, from the key's name. */
export function keyFileName(name) {
  const base = String(name).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 100);
  return `${base || 'api-key'}.txt`;
}

// usage is a one-line example of logging in with the key, as TrueNAS's
// `midclt -U <user> -K <key> call system.info` does it.
function usage(owner, key) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/current`;
  return `keyward call --url ${url} -U ${owner} -K ${key} system.info`;
}

/**
 * Shows a new raw key once, with Copy, Download and an example of its use.
 * Only Close closes it; afterwards the key is dropped and focus goes to
 * refocus().
 */
export function keyDialog(key, refocus, { owner, name } = {}) {
  const t = title('API Key');
  const area = h('textarea', { id: 'api-key-value', class: 'input key-box', rows: 3, readonly: true,
    'data-test': 'textarea-api-key' });
  area.value = key;
  const example = h('code', { class: 'usage', 'data-test': 'text-key-usage' }, usage(owner || app.user.pw_name, key));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(area.value);
      snackbar('API Key copied to clipboard');
    } catch {
      snackbar('Could not copy the key. Select it and copy it manually.');
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${area.value}\n`], { type: 'text/plain' }));
    const a = h('a', { href: url, download: keyFileName(name || 'api-key'), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  area.addEventListener('dblclick', copy);
  const copyBtn = h('button', { class: 'btn btn-primary', type: 'button', 'data-test': 'button-copy-to-clipboard', onclick: copy },
    'Copy to Clipboard');
  const downloadBtn = h('button', { class: 'btn btn-outline', type: 'button', 'data-test': 'button-download-api-key', onclick: download },
    icon('download'), 'Download');
  const closeBtn = h('button', { class: 'btn btn-outline', type: 'button', 'data-test': 'button-close-dialog', onclick: () => {
    area.value = '';
    example.textContent = '';
    d.close();
    refocus();
  } }, 'Close');
  const d = overlay({
    labelledBy: t.id, dataTest: 'dialog-api-key', onEscape: null, initialFocus: copyBtn, wide: true,
    content: [t, h('div', { class: 'dialog-body' },
      h('p', {}, 'Success! The API key has been created or reset. ', h('b', {}, 'This is the only time the key is shown.')),
      h('label', { for: area.id }, 'API Key'), area,
      h('p', { class: 'hint' }, 'Try it:'), example),
    h('div', { class: 'dialog-actions' }, closeBtn, downloadBtn, copyBtn)],
  });
  copyBtn.focus();
  return d;
}

// confirmDialog asks to confirm a change to a key: a Confirm box enables
// the warning button, which runs act under the loader; an error opens the
// error dialog and keeps this one open.
function confirmDialog({ heading, message, dataTest, buttonText, buttonTest, act }) {
  const t = title(heading);
  const box = h('input', { type: 'checkbox', id: `confirm-${dataTest}`, 'data-test': 'checkbox-confirm' });
  const go = h('button', { class: 'btn btn-warn', type: 'button', disabled: true, 'data-test': buttonTest }, buttonText);
  box.addEventListener('change', () => { go.disabled = !box.checked; });
  const d = overlay({
    labelledBy: t.id, dataTest, onEscape: () => d.close(),
    content: [t, h('div', { class: 'dialog-body' }, message, h('label', { class: 'check' }, box, 'Confirm')),
      h('div', { class: 'dialog-actions' },
        h('button', { class: 'btn btn-outline', type: 'button', 'data-test': 'button-dialog-cancel', onclick: () => d.close() }, 'Cancel'),
        go)],
  });
  go.addEventListener('click', async () => {
    try {
      const result = await withLoader(act);
      d.close();
      return result;
    } catch (err) {
      errorDialog(err.message);
      return null;
    }
  });
  return d;
}

/** Asks before deleting a key; deleted(focus) runs after a successful delete. */
export function deleteDialog(row, deleted) {
  return confirmDialog({
    heading: 'Delete API Key', dataTest: 'dialog-confirm', buttonText: 'Delete', buttonTest: 'button-dialog-confirm',
    message: h('p', { class: 'wrap' }, 'Are you sure you want to delete the ', h('b', {}, row.name), ' API Key of ',
      h('b', {}, row.username || ''), '?'),
    act: async () => {
      await app.rpc.call('api_key.delete', [row.id]);
      snackbar('API key deleted');
      deleted(null, row.id);
    },
  });
}

/**
 * Asks before resetting a key: clients using it stop working. After the
 * reset the key dialog shows the new key; saved(focus) is told.
 */
export function resetDialog(row, saved) {
  return confirmDialog({
    heading: 'Reset API Key', dataTest: 'dialog-reset', buttonText: 'Reset', buttonTest: 'button-dialog-reset',
    message: h('div', {},
      h('p', { class: 'wrap' }, 'Reset the ', h('b', {}, row.name), ' API key of ', h('b', {}, row.username || ''), '?'),
      h('p', {}, 'A new key replaces it at once: clients using the current key stop working until they are given the new one.' +
        (row.revoked ? ' Resetting also makes a revoked key work again.' : ''))),
    act: async () => {
      const result = await app.rpc.call('api_key.update', [row.id, { reset: true }]);
      const focus = `button-reset-${row.id}`;
      saved(focus, row.id);
      keyDialog(result.key, () => {
        const again = document.querySelector(`[data-test="${focus}"]`);
        if (again) again.focus();
      }, { owner: row.username, name: row.name });
    },
  });
}

/** Asks whether to drop unsaved changes; resolves true to close. */
export function unsavedDialog() {
  return new Promise((resolve) => {
    const t = title('Unsaved Changes');
    const done = (v) => { d.close(); resolve(v); };
    const d = overlay({
      labelledBy: t.id, dataTest: 'dialog-unsaved-changes', onEscape: () => done(false),
      content: [t, h('div', { class: 'dialog-body' }, h('p', {}, 'You have unsaved changes. Are you sure you want to close?')),
        h('div', { class: 'dialog-actions' },
          h('button', { class: 'btn btn-outline', type: 'button', 'data-test': 'button-unsaved-cancel', onclick: () => done(false) }, 'Cancel'),
          h('button', { class: 'btn btn-primary', type: 'button', 'data-test': 'button-unsaved-close', onclick: () => done(true) }, 'Close'))],
    });
  });
}
