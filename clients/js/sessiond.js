// sessiond.js: the browser side of sessiond's live connection. One file, no dependencies.
// connect() holds one WebSocket to /api/ws?feed=own: it answers the heartbeat, reconnects with
// jittered exponential backoff when the session is still valid (4001, 4009, 1001, a lost
// network), stops for good when it is not (every other 4000-4999 code), and keeps the user's
// devices list live. Types: sessiond.d.ts.

/** Close codes that keep the session: an administrator's drop, a missed heartbeat. */
const KEEPS = { 4001: 'disconnected', 4009: 'heartbeat_timeout' };
/** Close codes that end it; any other 4000-4999 code ends it too ('ended'). */
const ENDS = {
  4002: 'logged_out', 4003: 'revoked', 4004: 'user_interrupted', 4005: 'cleared', 4006: 'member_changed',
  4007: 'expired', 4008: 'evicted', 4010: 'signed_out_elsewhere', 4011: 'provider_logout',
};

/**
 * Opens the live connection. `url`: sessiond's base URL (default: this page's origin).
 * `token`: the session token (default: none, the session cookie of sessiond's own origin).
 */
export function connect(options = {}) {
  const base = String(options.url || location.origin).replace(/\/+$/, '');
  const token = options.token;
  const backoff = { base: 1000, max: 30000, ...options.backoff };
  // Until the server has told its heartbeat (system/init), 45 s; then three of its heartbeats, at least 10 s.
  let silence = options.silence || 45000;
  const handlers = {};
  let ws = null;
  let attempt = 0;
  let timer = null;
  let watchdog = null;
  let state = 'connecting';
  let me = null;
  let devices = null;
  let pending = null;
  let loads = 0;

  const emit = (type, value) => (handlers[type] || []).slice().forEach((f) => f(value));
  const setState = (next, detail) => {
    state = next;
    emit('state', { state: next, ...detail });
  };

  async function call(method, path, body) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(base + path, {
      method,
      headers,
      credentials: token ? 'omit' : 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error((data && data.message) || `HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  function open() {
    timer = null;
    if (state === 'closed') return;
    if (!attempt) setState('connecting', {});
    const q = new URLSearchParams({ feed: 'own' });
    if (token) q.set('token', token);
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/ws?${q}`);
    let why = '';
    let opened = false;
    ws = socket;
    socket.onopen = () => {
      opened = true;
      listen();
    };
    socket.onmessage = (e) => {
      if (ws !== socket) return;
      listen();
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      const p = frame.payload || {};
      if (frame.event === 'system/heartbeat') {
        socket.send('{"event":"client/heartbeat"}');
      } else if (frame.event === 'system/init') {
        me = p;
        if (!options.silence && p.heartbeat_interval > 0) {
          silence = Math.max(10000, 3000 * p.heartbeat_interval);
          listen();
        }
        attempt = 0;
        setState('open', { session: p });
        if (handlers.devices && handlers.devices.length) load();
      } else if (frame.event === 'system/disconnect') {
        why = p.message || '';
      } else if (me && frame.event.startsWith('session/')) {
        feed(frame);
      }
      emit('message', frame);
    };
    socket.onclose = (e) => {
      if (ws !== socket) return;
      ended(e.code, why || e.reason, opened);
    };
  }

  // A socket that hears nothing for `silence` (three heartbeats, at least 10 s) is on a dead network: drop it.
  function listen() {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      const dead = ws;
      ws = null;
      if (dead) dead.close();
      ended(1006, 'nothing heard from the server', true);
    }, silence);
  }

  async function ended(code, message, opened) {
    clearTimeout(watchdog);
    ws = null;
    if (state === 'closed') return;
    if (code >= 4000 && code < 5000 && !KEEPS[code]) {
      finish(code, ENDS[code] || 'ended', message);
      return;
    }
    if (code === 4001) emit('disconnected', { code, reason: KEEPS[code], message });
    // A socket refused at the handshake (1006, never opened) may mean the session is gone: ask.
    if (!opened && code === 1006) {
      try {
        await call('GET', '/api/whoami');
      } catch (err) {
        if (err.status === 401) {
          finish(401, 'ended', err.message);
          return;
        }
      }
      if (state === 'closed') return;
    }
    const delay = Math.max(100, Math.random() * Math.min(backoff.max, backoff.base * 2 ** attempt));
    attempt += 1;
    setState('reconnecting', { attempt, delay, code });
    timer = setTimeout(open, delay);
  }

  function finish(code, reason, message) {
    setState('closed', { code });
    emit('signedout', { code, reason, message });
  }

  // The list is read when the socket counts (system/init); feed frames heard meanwhile follow it.
  async function load() {
    const mine = ++loads;
    pending = [];
    try {
      const list = await call('GET', '/api/me/sessions?limit=1000');
      if (mine !== loads) return;
      devices = list;
      const held = pending;
      pending = null;
      held.forEach(feed);
      emit('devices', devices.slice());
    } catch (err) {
      if (mine === loads) pending = null;
    }
  }

  function feed(frame) {
    const p = frame.payload || {};
    if (p.user_id != null && p.user_id !== me.user_id) return;
    if (pending) {
      pending.push(frame);
      return;
    }
    if (!devices) return;
    const before = devices;
    if (frame.event === 'session/created') {
      if (!devices.some((d) => d.id === p.id)) devices = devices.concat({ ...p, current: p.id === me.session_id });
    } else if (frame.event === 'session/deleted') {
      devices = devices.filter((d) => p.id && d.id !== p.id);
    } else if (frame.event === 'session/state') {
      devices = devices.map((d) => (d.id === p.id ? { ...d, state: p.state } : d));
    }
    if (devices !== before) emit('devices', devices.slice());
  }

  const session = {
    get state() {
      return state;
    },
    get me() {
      return me;
    },
    on(type, f) {
      (handlers[type] = handlers[type] || []).push(f);
      if (type === 'devices' && devices) f(devices.slice());
      else if (type === 'devices' && state === 'open' && !pending) load();
      return () => {
        handlers[type] = handlers[type].filter((g) => g !== f);
      };
    },
    close() {
      clearTimeout(timer);
      clearTimeout(watchdog);
      const socket = ws;
      ws = null;
      if (state !== 'closed') setState('closed', {});
      if (socket) socket.close(1000);
    },
    devices: () => call('GET', '/api/me/sessions?limit=1000'),
    signOut: (id) => call('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`),
    signOutOthers: () => call('POST', '/api/me/sessions/revoke-others').then((d) => d.DeletedCount),
    changePassword: (current, next) => call('POST', '/api/me/password', { current_password: current, new_password: next }),
    call,
  };
  open();
  return session;
}
