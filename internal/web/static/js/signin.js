// /signin: first-run setup when no administrator exists, otherwise the
// sign-in form, with a silent re-login by a fresh stored token.
import { h, mount } from './dom.js';
import { app, signedIn, freshToken, forgetToken } from './state.js';

const USERNAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Renders /signin into main and returns its cleanup. */
export function signinPage(main) {
  const card = h('section', { class: 'card signin' });
  mount(main, card);
  let alive = true;
  const step = async () => {
    if (!app.rpc.connected) {
      mount(card, h('h1', { 'data-test': 'page-title' }, 'Log In'), loginForm(card, true));
      return;
    }
    mount(card, h('p', { class: 'muted' }, 'Loading...'));
    try {
      const hasAdmin = await app.rpc.call('user.has_local_administrator_set_up');
      if (!alive) return;
      if (!hasAdmin) { setupForm(card); return; }
      const token = freshToken();
      if (token) {
        const r = await app.rpc.call('auth.login_ex', [{ mechanism: 'TOKEN_PLAIN', token }]);
        if (!alive) return;
        if (r.response_type === 'SUCCESS' && await signedIn(r.user_info)) return;
        forgetToken();
      }
    } catch (err) {
      console.error(err);
    }
    if (alive) mount(card, h('h1', { 'data-test': 'page-title' }, 'Log In'), loginForm(card, false));
  };
  step();
  return () => { alive = false; };
}

function insecureWarning() {
  if (location.protocol !== 'http:') return null;
  return h('p', { class: 'warning', role: 'note', 'data-test': 'insecure-connection-warning' },
    'You are using an insecure connection. Switch to HTTPS for secure access.');
}

/** A labelled input with an error line under it. */
function field(label, attrs) {
  const id = `f-${attrs['data-test']}`;
  const input = h('input', { id, class: 'input', ...attrs });
  const err = h('p', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', err.id);
  return { input, err, el: h('div', { class: 'field' }, h('label', { for: id }, label), input, err) };
}

/**
 * Why the user is asked to sign in again after a session ended (item 10).
 * The text arrives a moment after the live region, so it is announced.
 */
function reasonNote(note) {
  if (!note) return null;
  const el = h('p', { class: 'signin-reason', role: 'status', 'data-test': 'signin-reason' });
  setTimeout(() => { el.textContent = note.reason; }, 50);
  return el;
}

function loginForm(card, disconnected) {
  // After a session ended, the form names the user and says why.
  const note = app.signinNote;
  const user = field('Username', { type: 'text', autocomplete: 'username', 'data-test': 'input-username',
    value: note ? note.username : null });
  const pass = field('Password', { type: 'password', autocomplete: 'current-password', 'data-test': 'input-password' });
  const button = h('button', { class: 'btn btn-primary', type: 'submit', 'data-test': 'button-log-in' }, 'Log In');
  const error = h('p', { class: 'form-error', role: 'alert', 'data-test': 'signin-error' });
  let busy = false;
  const update = () => { button.disabled = disconnected || busy || !user.input.value || !pass.input.value; };
  user.input.addEventListener('input', update);
  pass.input.addEventListener('input', update);
  const form = h('form', { class: 'form', novalidate: true }, user.el, pass.el, error, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    busy = true; update(); error.textContent = '';
    await login(user.input.value, pass.input.value, error, pass.input);
    busy = false; update();
  });
  if (disconnected) {
    for (const el of form.elements) el.disabled = true;
    form.prepend(h('p', { class: 'muted', role: 'status' }, 'Connecting to Keyward…'));
  }
  update();
  setTimeout(() => { if (!disconnected) (note ? pass : user).input.focus(); }, 0);
  return [reasonNote(note), insecureWarning(), form];
}

async function login(username, password, error, passInput) {
  try {
    const r = await app.rpc.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username, password }]);
    if (r.response_type === 'SUCCESS') {
      if (!await signedIn(r.user_info)) error.textContent = 'Your account does not have access to the web interface.';
      return;
    }
    error.textContent = 'Wrong username or password. Please try again.';
    passInput.value = '';
    passInput.dispatchEvent(new Event('input'));
    passInput.focus();
  } catch (err) {
    error.textContent = err.errno === 16 ? 'Too many login attempts. Please wait a minute and try again.' : err.message;
  }
}

function setupForm(card) {
  const user = field('Username', { type: 'text', value: 'admin', autocomplete: 'username', 'data-test': 'input-setup-username' });
  const pass = field('Password', { type: 'password', autocomplete: 'new-password', 'data-test': 'input-setup-password' });
  const confirm = field('Confirm Password', { type: 'password', autocomplete: 'new-password', 'data-test': 'input-setup-confirm-password' });
  const button = h('button', { class: 'btn btn-primary', type: 'submit', 'data-test': 'button-create-account' }, 'Create Account');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const touched = new Set();
  let busy = false;
  const check = () => {
    const u = user.input.value;
    const errs = {
      user: !u ? 'Username is required' : [...u].length > 32 ? 'The length of Username should be no more than 32'
        : !USERNAME_RE.test(u) ? 'Username may contain only letters, digits, ".", "_" and "-", and may not start with "." or "-".' : '',
      pass: pass.input.value ? '' : 'Password is required',
      confirm: !confirm.input.value ? 'Confirm Password is required'
        : confirm.input.value !== pass.input.value ? 'Passwords do not match' : '',
    };
    for (const [k, f] of Object.entries({ user, pass, confirm })) {
      f.err.textContent = touched.has(k) ? errs[k] : '';
      f.input.setAttribute('aria-invalid', String(touched.has(k) && !!errs[k]));
    }
    button.disabled = busy || Object.values(errs).some(Boolean);
  };
  for (const [k, f] of Object.entries({ user, pass, confirm })) {
    f.input.addEventListener('input', () => { touched.add(k); check(); });
    f.input.addEventListener('blur', () => { touched.add(k); check(); });
  }
  const form = h('form', { class: 'form', novalidate: true }, user.el, pass.el, confirm.el, error, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    busy = true; check(); error.textContent = '';
    await createAdmin(card, user.input.value, pass.input.value, error);
    busy = false; if (card.contains(form)) check();
  });
  mount(card, h('h1', { 'data-test': 'page-title' }, 'Welcome to Keyward'),
    h('p', {}, 'Create the administrator account to finish setting up this server.'), insecureWarning(), form);
  check();
  user.input.focus();
}

async function createAdmin(card, username, password, error) {
  try {
    await app.rpc.call('user.setup_local_administrator', [username, password]);
  } catch (err) {
    if (err.errno === 17 && err.code === -32001) {
      mount(card, h('h1', { 'data-test': 'page-title' }, 'Log In'), loginForm(card, false));
      card.querySelector('[data-test="signin-error"]').textContent = 'An administrator already exists. Please log in.';
      return;
    }
    error.textContent = err.message;
    return;
  }
  await login(username, password, error, card.querySelector('[data-test="input-setup-password"]'));
}
