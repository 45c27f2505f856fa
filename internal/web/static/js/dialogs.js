// The key dialog (section 8), the delete dialog (section 9) and the
// unsaved-changes question (section 7.1).
import { h } from './dom.js';
import { app } from './app.js';
import { overlay, title, errorDialog, snackbar, withLoader } from './ui.js';

/**
 * Shows a new raw key once. Only Close closes it; afterwards the key is
 * dropped and focus goes to refocus().
 */
export function keyDialog(key, refocus) {
  const t = title('API Key');
  const area = h('textarea', { id: 'api-key-value', class: 'input key-box', rows: 3, readonly: true,
    'data-test': 'textarea-api-key' });
  area.value = key;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(area.value);
      snackbar('API Key copied to clipboard');
    } catch {
      snackbar('Could not copy the key. Select it and copy it manually.');
    }
  };
  area.addEventListener('dblclick', copy);
  const copyBtn = h('button', { class: 'btn btn-primary', type: 'button', 'data-test': 'button-copy-to-clipboard', onclick: copy },
    'Copy to Clipboard');
  const closeBtn = h('button', { class: 'btn btn-outline', type: 'button', 'data-test': 'button-close-dialog', onclick: () => {
    area.value = '';
    d.close();
    refocus();
  } }, 'Close');
  const d = overlay({
    labelledBy: t.id, dataTest: 'dialog-api-key', onEscape: null, initialFocus: copyBtn, wide: true,
    content: [t, h('div', { class: 'dialog-body' },
      h('p', {}, 'Success! The API key has been created or reset. ', h('b', {}, 'This is the only time the key is shown.')),
      h('label', { for: area.id }, 'API Key'), area),
    h('div', { class: 'dialog-actions' }, closeBtn, copyBtn)],
  });
  copyBtn.focus();
  return d;
}

/** Asks before deleting a key; deleted() runs after a successful delete. */
export function deleteDialog(row, deleted) {
  const t = title('Delete API Key');
  const confirm = h('input', { type: 'checkbox', id: 'confirm-delete', 'data-test': 'checkbox-confirm' });
  const del = h('button', { class: 'btn btn-warn', type: 'button', disabled: true, 'data-test': 'button-dialog-confirm' }, 'Delete');
  confirm.addEventListener('change', () => { del.disabled = !confirm.checked; });
  const d = overlay({
    labelledBy: t.id, dataTest: 'dialog-confirm', onEscape: () => d.close(),
    content: [t, h('div', { class: 'dialog-body' },
      h('p', {}, 'Are you sure you want to delete the ', h('b', {}, row.name), ' API Key?'),
      h('label', { class: 'check' }, confirm, 'Confirm')),
    h('div', { class: 'dialog-actions' },
      h('button', { class: 'btn btn-outline', type: 'button', 'data-test': 'button-dialog-cancel', onclick: () => d.close() }, 'Cancel'),
      del)],
  });
  del.addEventListener('click', async () => {
    try {
      await withLoader(() => app.rpc.call('api_key.delete', [row.id]));
      d.close();
      deleted();
    } catch (err) {
      errorDialog(err.message);
    }
  });
  return d;
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
