// The "Try it" panel of the API documentation: sign in and call the
// documented method through the web UI's JSON-RPC client.
import { Rpc } from './rpc.js';

function start(form) {
  const status = form.querySelector('[data-try-status]');
  const out = form.querySelector('[data-try-result]');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const rpc = new Rpc(`${scheme}//${location.host}/api/${form.dataset.version}`);
  let loggedInAs = null;
  const ready = new Promise((resolve) => rpc.addEventListener('connect', resolve, { once: true }));
  rpc.connect();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    out.textContent = '';
    let params;
    try {
      params = JSON.parse(form.params.value || '[]');
      if (!Array.isArray(params)) throw new Error('params must be a JSON array');
    } catch (err) {
      status.textContent = `Params are not a JSON array: ${err.message}`;
      return;
    }
    status.textContent = 'Calling…';
    try {
      await ready;
      const user = form.username.value;
      if (user && loggedInAs !== user) {
        const r = await rpc.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: user, password: form.password.value }]);
        if (r.response_type !== 'SUCCESS') { status.textContent = `Login: ${r.response_type}`; return; }
        loggedInAs = user;
      }
      const result = await rpc.call(form.dataset.method, params);
      status.textContent = 'Result:';
      out.textContent = JSON.stringify(result, function dates(k, v) { return this[k] instanceof Date ? { $date: this[k].getTime() } : v; }, 2);
    } catch (err) {
      status.textContent = 'Error:';
      out.textContent = JSON.stringify({ code: err.code, message: err.rpcMessage || err.message, data: err.data }, null, 2);
    }
  });
}

for (const form of document.querySelectorAll('form[data-tryit]')) start(form);
