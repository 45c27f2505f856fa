// The one JSON-RPC client every page shares: one WebSocket to /api/current,
// UUID request ids, at most 20 calls in flight (others queue), a core.ping
// every 20 s, shared subscriptions, and a reconnect with backoff after every
// close (1 s doubling to 30 s, with jitter).
//
// A socket the server closes for not logging in within its auth timeout is
// reopened at once and quietly: pages are not told, unanswered calls are
// sent again on the new socket. Any other close is told to the app with its
// cause ('terminated' for the server's 1000 `Session terminated`, else
// 'lost'); the app may hold the queued calls until it has logged in again
// on the new socket, and the subscriptions are made again when it resumes.

const MAX_IN_FLIGHT = 20;
const PING_EVERY_MS = 20000;
// Reconnect delays: the first after about a second, then doubling up to
// 30 s, each drawn between half and all of its step so that many tabs do
// not return to a restarted server at the same instant.
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;
// The close the server sends a connection that has not logged in within
// auth_timeout.
const AUTH_TIMEOUT_CODE = 1008;
const AUTH_TIMEOUT_REASON = 'Authentication timeout';
// The close of auth.terminate_session and auth.terminate_other_sessions.
const TERMINATED_CODE = 1000;
const TERMINATED_REASON = 'Session terminated';

/** The reconnect delay after the given number of failed attempts. */
export function retryDelay(attempt, random = Math.random) {
  const step = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(attempt, 16));
  return step / 2 + random() * (step / 2);
}

/** An error answer: code, message and the TrueNAS data object. */
export class RpcError extends Error {
  constructor(error) {
    const data = error.data || null;
    super(data && data.reason ? data.reason : error.message);
    this.code = error.code;
    this.rpcMessage = error.message;
    this.data = data;
    this.errno = data ? data.error : null;
    this.extra = data && Array.isArray(data.extra) ? data.extra : [];
  }
}

/** Thrown for calls cut off by a closed connection. */
export class DisconnectedError extends Error {
  constructor() { super('Disconnected'); }
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Dates travel as {"$date": ms}: these turn them into Date objects and back.
function reviveDates(v) {
  if (Array.isArray(v)) return v.map(reviveDates);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$date' && typeof v.$date === 'number') return new Date(v.$date);
    const out = {};
    for (const k of keys) out[k] = reviveDates(v[k]);
    return out;
  }
  return v;
}

function encodeDates(_key, v) {
  return this[_key] instanceof Date ? { $date: this[_key].getTime() } : v;
}

export class Rpc extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.ws = null;
    this.connected = false;
    this.pending = new Map(); // id -> {resolve, reject, method}
    this.queue = []; // calls waiting for a slot or a connection
    this.subs = new Map(); // event name -> {id, listeners:Set, promise}
    this.pingTimer = null;
    this.lastTraffic = 0;
    this.reopening = false; // a quiet reopen is under way
    this.held = false; // only urgent calls are sent (see hold)
    this.attempts = 0; // reconnects failed since the last open socket
  }

  /** Opens the socket; it reopens by itself after every close. */
  connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      const quiet = this.reopening;
      this.reopening = false;
      this.connected = true;
      this.attempts = 0;
      this.pingTimer = setInterval(() => this.call('core.ping', [], { urgent: true }).catch(() => {}), PING_EVERY_MS);
      this.emit('connect', { quiet });
      this.pump();
    };
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => this.closed(ws, e);
  }

  closed(ws, e) {
    if (ws !== this.ws) return;
    // Pages still believe in a socket that is being reopened quietly.
    const shown = this.connected || this.reopening;
    this.connected = false;
    this.reopening = false;
    clearInterval(this.pingTimer);
    if (shown && e.code === AUTH_TIMEOUT_CODE && e.reason === AUTH_TIMEOUT_REASON) {
      this.reopen();
      return;
    }
    // A call cut off may or may not have run: it fails rather than run twice.
    for (const p of this.pending.values()) p.reject(new DisconnectedError());
    this.pending.clear();
    // The server forgot the subscriptions; their listeners stay for resume().
    for (const sub of this.subs.values()) { sub.id = null; sub.promise = null; }
    const terminated = e.code === TERMINATED_CODE && e.reason === TERMINATED_REASON;
    if (shown) this.emit('disconnect', { cause: terminated ? 'terminated' : 'lost' });
    setTimeout(() => this.connect(), retryDelay(this.attempts++));
  }

  /**
   * Reopens a socket the server closed because it had not logged in. The
   * server answers a login it was running before closing, so an unanswered
   * call never ran: it goes first on the new socket. Such a socket had no
   * session, hence no subscriptions to lose.
   */
  reopen() {
    this.queue.unshift(...this.pending.values());
    this.pending.clear();
    this.reopening = true;
    this.connect();
  }

  /** Drops the connection (the usual reconnect follows). */
  drop() { if (this.ws) this.ws.close(); }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  /**
   * Calls a method; resolves with the result or rejects with RpcError.
   * An urgent call is sent even while the queue is held (logins, pings).
   */
  call(method, params = [], { urgent = false } = {}) {
    return new Promise((resolve, reject) => {
      this.queue.push({ method, params, resolve, reject, urgent });
      this.pump();
    });
  }

  /**
   * Holds the queue: until resume() or discard(), only urgent calls are
   * sent, so that calls of a page kept over a lost connection do not reach
   * the new socket before the app has logged in on it.
   */
  hold() { this.held = true; }

  /**
   * Sends the held calls, after making the subscriptions the last close
   * ended again. Their listeners are called once with msg 'resync', since
   * events may have been missed meanwhile.
   */
  resume() {
    this.held = false;
    for (const [name, sub] of this.subs) {
      if (sub.promise) continue;
      this.open(name, sub);
      for (const fn of sub.listeners) fn({ collection: name, msg: 'resync' });
    }
    this.pump();
  }

  /** Fails every queued call with DisconnectedError and stops holding. */
  discard() {
    const dropped = this.queue;
    this.queue = [];
    this.held = false;
    for (const c of dropped) c.reject(new DisconnectedError());
  }

  pump() {
    while (this.connected && this.pending.size < MAX_IN_FLIGHT) {
      const i = this.held ? this.queue.findIndex((c) => c.urgent) : 0;
      if (i < 0 || i >= this.queue.length) return;
      const [c] = this.queue.splice(i, 1);
      const id = uuid();
      this.pending.set(id, c);
      const msg = JSON.stringify({ jsonrpc: '2.0', id, method: c.method, params: c.params }, encodeDates);
      this.traffic();
      this.ws.send(msg);
    }
  }

  traffic() {
    const now = Date.now();
    if (now - this.lastTraffic >= 5000) {
      this.lastTraffic = now;
      this.emit('traffic');
    }
  }

  receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    this.traffic();
    if (msg.id === undefined || msg.id === null) {
      if (msg.method) this.notification(msg.method, reviveDates(msg.params));
      return;
    }
    const c = this.pending.get(msg.id);
    if (!c) return;
    this.pending.delete(msg.id);
    if (msg.error) {
      const err = new RpcError(msg.error);
      if (err.errno === 207) this.emit('unauthenticated');
      c.reject(err);
    } else {
      c.resolve(reviveDates(msg.result));
    }
    this.pump();
  }

  notification(method, params) {
    if (method === 'collection_update') {
      const sub = this.subs.get(params.collection);
      if (sub) for (const fn of sub.listeners) fn(params);
    } else if (method === 'notify_unsubscribed') {
      this.subs.delete(params.collection);
      this.emit('notify_unsubscribed', params);
      if (params.error && params.error.error === 207) this.emit('unauthenticated');
    }
  }

  /**
   * Listens to an event; one core.subscribe per name is shared by all
   * listeners. Returns a function that removes the listener (and
   * unsubscribes when it was the last).
   */
  subscribe(name, listener) {
    let sub = this.subs.get(name);
    if (!sub) {
      sub = { id: null, listeners: new Set(), promise: null };
      this.subs.set(name, sub);
      this.open(name, sub);
    }
    sub.listeners.add(listener);
    return () => {
      sub.listeners.delete(listener);
      if (sub.listeners.size === 0 && this.subs.get(name) === sub) {
        this.subs.delete(name);
        // Without a promise the server has already forgotten it (a close).
        if (sub.promise) sub.promise.then((id) => this.call('core.unsubscribe', [id])).catch(() => {});
      }
    };
  }

  /** Sends the core.subscribe of sub; a refusal ends the subscription. */
  open(name, sub) {
    const p = this.call('core.subscribe', [name]).then((id) => { sub.id = id; return id; });
    sub.promise = p;
    // A close in between clears sub.promise, and resume() subscribes again.
    p.catch(() => { if (sub.promise === p && this.subs.get(name) === sub) this.subs.delete(name); });
  }

  /** Forgets every subscription (after a logout or a lost session). */
  dropSubscriptions() { this.subs.clear(); }
}

/** The socket URL of /api/current on the page's host. */
export function apiURL() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/current`;
}
