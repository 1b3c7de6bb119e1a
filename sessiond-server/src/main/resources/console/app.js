// sessiond admin console: plain ES module, no build step, nothing fetched from elsewhere.
// Every server-provided text goes through textContent, never innerHTML.

import { showActivity, hideActivity } from './activity.js';
import { showKeys, hideKeys } from './keys.js';
import { knowMembers, loadNames, showUser } from './names.js';

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const SIGNED_OUT = new Set([4002, 4003, 4004, 4005, 4006, 4007, 4008, 4010, 4011]);
const SIGNED_OUT_ELSEWHERE = 4010;
const state = { me: null, view: 'sessions', cursor: null, next: null, socket: null, retry: 500 };

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error((data && data.message) || `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return { data, link: res.headers.get('Link') };
}

function say(message, error = false) {
  const s = $('status');
  s.textContent = message;
  s.className = error ? 'error' : '';
}

function show(...ids) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = !ids.includes(section.id);
}

// Today's times as hh:mm:ss, other days with the date; the full ISO time is in the cell's title.
function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

function cell(tr, label, text, cls) {
  const td = document.createElement('td');
  td.dataset.label = label;
  if (cls) td.className = cls;
  if (text instanceof Node) td.append(text); else td.textContent = text;
  tr.append(td);
  return td;
}

function button(label, onClick, cls) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (cls) b.className = cls;
  b.addEventListener('click', onClick);
  return b;
}

// ---- sessions -------------------------------------------------------------------------------

// The server keeps is_connected for a grace after a session's last socket closes, so that a page
// reload does not flap; connected with no socket open is that grace: a reconnect awaited.
function connection(st) {
  if (!st.is_connected) return 'off';
  return (st.connections ?? 0) === 0 ? 'reconnecting' : 'on';
}

function dotted(kind, words) {
  const wrap = document.createElement('span');
  const dot = document.createElement('span');
  dot.className = `dot ${kind}`;
  dot.setAttribute('aria-hidden', 'true');
  wrap.append(dot, words[kind]);
  return wrap;
}

function stateCell(tr, st) {
  const kind = connection(st);
  tr.querySelector('.state').replaceChildren(dotted(kind, { on: 'connected', reconnecting: 'reconnecting', off: 'not connected' }));
  tr.querySelector('.conns').textContent = String(st.connections ?? 0);
  tr.dataset.connected = st.is_connected ? 'yes' : 'no';
  tr.dataset.state = kind;
}

function sessionRow(s) {
  const tr = document.createElement('tr');
  tr.dataset.id = s.id;
  tr.dataset.user = s.user_id;
  showUser(cell(tr, 'User', '', 'user'), s.user_id);
  cell(tr, 'Session', s.id, 'mono');
  cell(tr, 'Created', time(s.created_at)).title = s.created_at;
  cell(tr, 'Last seen', time(s.last_seen_at)).title = s.last_seen_at;
  cell(tr, 'Expires', time(s.expires_at)).title = s.expires_at;
  cell(tr, 'IP', s.ip || '–');
  cell(tr, 'Client', s.client || 'unknown client').title = s.user_agent || '';
  cell(tr, 'State', '', 'state');
  cell(tr, 'Conns', '', 'conns');
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(
    button('Disconnect', () => act(() => api('POST', `/api/sessions/${encodeURIComponent(s.id)}/disconnect`),
      `Disconnected session ${s.id}; it stays valid.`), ''),
    button('Interrupt', () => act(() => api('DELETE', `/api/sessions/${encodeURIComponent(s.id)}`),
      `Interrupted session ${s.id}.`), 'danger'),
    button('Interrupt user', () => interruptUser(s.user_id), 'danger'));
  actions.querySelectorAll('button')[0].setAttribute('aria-label', `Disconnect session ${s.id}`);
  actions.querySelectorAll('button')[1].setAttribute('aria-label', `Interrupt session ${s.id}`);
  actions.querySelectorAll('button')[2].setAttribute('aria-label', `Interrupt every session of ${s.user_id}`);
  cell(tr, 'Actions', actions);
  stateCell(tr, s.state || {});
  return tr;
}

function visible(tr) {
  return !$('filter-connected').checked || tr.dataset.connected === 'yes';
}

function applyConnectedFilter() {
  for (const tr of $('sessions-table').tBodies[0].rows) tr.hidden = !visible(tr);
}

async function loadSessions(after) {
  const user = $('filter-user').value.trim();
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (after) q.set('after', after);
  if (user) q.set('user_id', user);
  try {
    const { data, link } = await api('GET', `/api/sessions?${q}`);
    state.cursor = after;
    const m = link && /after=([^&>]+)/.exec(link);
    state.next = m ? decodeURIComponent(m[1]) : null;
    $('next-page').disabled = !state.next;
    $('sessions-table').tBodies[0].replaceChildren(...data.map(sessionRow));
    applyConnectedFilter();
  } catch (e) {
    say(e.message, true);
  }
}

async function act(call, done) {
  try {
    await call();
    say(done);
  } catch (e) {
    say(e.message, true);
  }
}

async function interruptUser(uid) {
  try {
    const { data } = await api('DELETE', `/sessions/${encodeURIComponent(uid)}`);
    say(`Interrupted user ${uid}: ${data.DeletedCount} session(s) ended.`);
  } catch (e) {
    say(e.message, true);
  }
}

// ---- users and members ------------------------------------------------------------------------

async function loadUsers() {
  try {
    const { data } = await api('GET', '/sessions');
    const rows = await Promise.all(data.slice(0, 100).map(async (uid) => {
      const { data: sessions } = await api('GET', `/api/sessions?user_id=${encodeURIComponent(uid)}&limit=1000`);
      const tr = document.createElement('tr');
      showUser(cell(tr, 'User', ''), uid);
      cell(tr, 'Sessions', String(sessions.length));
      const b = button('Interrupt user', async () => { await interruptUser(uid); loadUsers(); }, 'danger');
      b.setAttribute('aria-label', `Interrupt every session of ${uid}`);
      cell(tr, 'Actions', b);
      return tr;
    }));
    $('users-table').tBodies[0].replaceChildren(...rows);
    if (data.length > 100) say(`${data.length} users have sessions; the first 100 are shown.`);
  } catch (e) {
    say(e.message, true);
  }
}

function flag(member, name, label) {
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.checked = !!member.profile[name];
  input.setAttribute('aria-label', `${label} for ${member.username}`);
  input.addEventListener('change', () => act(
    () => api('POST', `/api/members/${encodeURIComponent(member.id)}`, { [name]: input.checked }),
    `${member.username}: ${label.toLowerCase()} ${input.checked ? 'on' : 'off'}.`));
  return input;
}

async function loadMembers() {
  try {
    const { data } = await api('GET', '/api/members');
    knowMembers(data);
    $('members-table').tBodies[0].replaceChildren(...data.map((m) => {
      const tr = document.createElement('tr');
      cell(tr, 'Username', m.username);
      cell(tr, 'ID', m.id, 'mono');
      cell(tr, 'Admin', flag(m, 'is_admin', 'Admin'));
      cell(tr, 'Can log in', flag(m, 'can_login', 'Can log in'));
      cell(tr, 'Can connect', flag(m, 'can_connect', 'Can connect'));
      const actions = document.createElement('div');
      actions.className = 'actions';
      const reset = button('Reset password', async () => {
        const password = window.prompt(`New password for ${m.username}`);
        if (password) await act(() => api('POST', `/api/members/${encodeURIComponent(m.id)}/password`, { password }),
          `Password of ${m.username} changed; its sessions were ended.`);
      });
      const del = button('Delete', async () => {
        if (!window.confirm(`Delete member ${m.username} and end its sessions?`)) return;
        await act(() => api('DELETE', `/api/members/${encodeURIComponent(m.id)}`), `Deleted ${m.username}.`);
        loadMembers();
      }, 'danger');
      reset.setAttribute('aria-label', `Reset the password of ${m.username}`);
      del.setAttribute('aria-label', `Delete member ${m.username}`);
      actions.append(reset, del);
      cell(tr, 'Actions', actions);
      return tr;
    }));
  } catch (e) {
    say(e.message, true);
  }
}

// ---- your devices -----------------------------------------------------------------------------

function onlineCell(tr, st) {
  const kind = connection(st);
  tr.querySelector('.online').replaceChildren(dotted(kind, { on: 'online', reconnecting: 'reconnecting', off: 'offline' }));
  tr.dataset.connected = st.is_connected ? 'yes' : 'no';
  tr.dataset.state = kind;
}

function deviceRow(s) {
  const tr = document.createElement('tr');
  tr.dataset.id = s.id;
  const current = s.id === state.me.id;
  if (current) tr.className = 'current';
  const name = document.createElement('span');
  name.textContent = s.client || 'unknown client';
  name.title = s.user_agent || '';
  const what = document.createElement('span');
  what.append(name);
  if (current) {
    const badge = document.createElement('strong');
    badge.className = 'badge';
    badge.textContent = 'this device';
    what.append(' ', badge);
  }
  cell(tr, 'Client', what);
  cell(tr, 'IP', s.ip || '–');
  cell(tr, 'Last active', time(s.last_seen_at)).title = s.last_seen_at;
  cell(tr, 'Signed in', time(s.created_at)).title = s.created_at;
  cell(tr, 'Online', '', 'online');
  const out = button('Sign out', () => signOutDevice(s, current), 'danger');
  out.setAttribute('aria-label', current ? 'Sign out this device' : `Sign out device ${s.id}`);
  cell(tr, 'Actions', out);
  onlineCell(tr, s.state || {});
  return tr;
}

// A list answered before this console's socket was counted can arrive after the feed said it is
// online: only the latest load is drawn, and the socket's system/init asks for one (see onFeed).
let devicesLoad = 0;
async function loadDevices() {
  const mine = ++devicesLoad;
  try {
    const { data } = await api('GET', '/api/me/sessions');
    if (mine !== devicesLoad) return;
    data.sort((a, b) => (b.current - a.current) || (b.last_seen_at || '').localeCompare(a.last_seen_at || ''));
    $('devices-table').tBodies[0].replaceChildren(...data.map(deviceRow));
  } catch (e) {
    say(e.message, true);
  }
}

async function signOutDevice(s, current) {
  try {
    await api('DELETE', `/api/me/sessions/${encodeURIComponent(s.id)}`);
    if (current) {
      signedOut('Signed out.');
      return;
    }
    $('devices-table').querySelector(`tr[data-id="${CSS.escape(s.id)}"]`)?.remove();
    say(`Signed out ${s.client || 'that device'}.`);
  } catch (e) {
    say(e.message, true);
  }
}

function onDevicesFeed(msg) {
  const body = $('devices-table').tBodies[0];
  const p = msg.payload || {};
  if (!state.me || (p.user_id !== undefined && p.user_id !== state.me.user_id)) return;
  if (msg.event === 'session/created') {
    if (!body.querySelector(`tr[data-id="${CSS.escape(p.id)}"]`)) body.append(deviceRow(p));
  } else if (msg.event === 'session/deleted') {
    for (const tr of [...body.rows]) if (!p.id || tr.dataset.id === p.id) tr.remove();
  } else if (msg.event === 'session/state') {
    const tr = body.querySelector(`tr[data-id="${CSS.escape(p.id)}"]`);
    if (tr) onlineCell(tr, p.state);
  }
}

// ---- live feed and counts ---------------------------------------------------------------------

let countsTimer = null;
function refreshCounts() {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(async () => {
    try {
      const { data } = await api('GET', '/api/stats');
      $('count-sessions').textContent = String(data.sessions);
      $('count-users').textContent = String(data.users);
      $('count-connected').textContent = String(data.connected);
    } catch (e) {
      say(e.message, true);
    }
  }, 150);
}

function matchesFilter(s) {
  const user = $('filter-user').value.trim();
  return !user || s.user_id === user;
}

function onFeed(msg) {
  if (msg.event === 'system/init' && state.view === 'devices') loadDevices(); // now counts this socket
  if (!msg.event.startsWith('session/')) return; // system/init, system/heartbeat
  onDevicesFeed(msg);
  if (!state.me || !state.me.profile.is_admin) return;
  const body = $('sessions-table').tBodies[0];
  const p = msg.payload || {};
  if (msg.event === 'session/created') {
    if (!state.cursor && matchesFilter(p) && !body.querySelector(`tr[data-id="${CSS.escape(p.id)}"]`)
        && body.rows.length < PAGE) {
      const tr = sessionRow(p);
      body.append(tr);
      tr.hidden = !visible(tr);
    }
  } else if (msg.event === 'session/deleted') {
    for (const tr of [...body.rows]) {
      if ((p.id && tr.dataset.id === p.id) || (!p.id && p.user_id && tr.dataset.user === p.user_id) || (!p.id && !p.user_id)) tr.remove();
    }
  } else if (msg.event === 'session/state') {
    const tr = body.querySelector(`tr[data-id="${CSS.escape(p.id)}"]`);
    if (tr) {
      stateCell(tr, p.state);
      tr.hidden = !visible(tr);
    }
  }
  refreshCounts();
}

// Admins get every session's events; anyone else asks for its own user's (?feed=own).
function connectFeed() {
  const own = state.me && state.me.profile.is_admin ? '' : '?feed=own';
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws${own}`);
  state.socket = ws;
  ws.addEventListener('open', () => { state.retry = 500; });
  ws.addEventListener('message', (e) => onFeed(JSON.parse(e.data)));
  ws.addEventListener('close', (e) => {
    if (state.socket !== ws) return;
    state.socket = null;
    if (e.code === SIGNED_OUT_ELSEWHERE) {
      signedOut('You were signed out from another device: sign in again.');
    } else if (SIGNED_OUT.has(e.code)) {
      signedOut('Your session ended: sign in again.');
    } else if (state.me) {
      setTimeout(connectFeed, state.retry);
      state.retry = Math.min(state.retry * 2, 10000);
    }
  });
}

// ---- sign in and out, views -------------------------------------------------------------------

function signedOut(message) {
  state.me = null;
  hideActivity();
  hideKeys();
  clearTimeout(countsTimer);
  if (state.socket) {
    const s = state.socket;
    state.socket = null;
    s.close();
  }
  for (const id of ['nav', 'counts', 'who']) $(id).hidden = true;
  show('login');
  if (message) say(message);
  $('login-username').focus();
}

function setView(view) {
  state.view = view;
  for (const b of $('nav').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
  show(view);
  if (view === 'sessions') loadSessions(null);
  if (view === 'users') loadUsers();
  if (view === 'members') loadMembers();
  if (view === 'devices') loadDevices();
  if (view === 'activity') showActivity(say); else hideActivity();
  if (view === 'keys') showKeys(say); else hideKeys();
}

async function start() {
  try {
    const { data } = await api('GET', '/api/whoami');
    state.me = data;
    $('who-name').textContent = data.profile.name || data.user_id;
    $('who').hidden = false;
    connectFeed();
    if (!data.profile.is_admin) {
      $('nav').hidden = true;
      $('counts').hidden = true;
      setView('devices');
      return;
    }
    $('nav').hidden = false;
    $('counts').hidden = false;
    loadNames();
    refreshCounts();
    setView(state.view);
  } catch (e) {
    if (e.status === 401) signedOut(); else say(e.message, true);
  }
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('POST', '/api/login', { username: $('login-username').value, password: $('login-password').value });
    $('login-password').value = '';
    say('Signed in.');
    start();
  } catch (err) {
    say(err.message, true);
  }
});
$('sign-out').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } catch (e) { /* already gone */ }
  signedOut('Signed out.');
});
for (const b of $('nav').querySelectorAll('button')) b.addEventListener('click', () => setView(b.dataset.view));
$('filters').addEventListener('submit', (e) => { e.preventDefault(); loadSessions(null); });
$('filter-connected').addEventListener('change', applyConnectedFilter);
$('first-page').addEventListener('click', () => loadSessions(null));
$('next-page').addEventListener('click', () => state.next && loadSessions(state.next));
$('member-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const username = $('member-username').value.trim();
  await act(() => api('POST', '/api/members', {
    username, password: $('member-password').value, profile: { name: username, is_admin: $('member-admin').checked },
  }), `Member ${username} created.`);
  $('member-password').value = '';
  loadMembers();
});
$('revoke-others').addEventListener('click', async () => {
  try {
    const { data } = await api('POST', '/api/me/sessions/revoke-others');
    say(`Signed out everywhere else: ${data.DeletedCount} other device(s).`);
    loadDevices();
  } catch (e) {
    say(e.message, true);
  }
});
$('password-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('POST', '/api/me/password', { current_password: $('password-current').value, new_password: $('password-new').value });
    say('Password changed; every other device was signed out.');
    loadDevices();
  } catch (err) {
    say(err.message, true);
  } finally {
    $('password-current').value = '';
    $('password-new').value = '';
  }
});
$('clear-all').addEventListener('click', () => {
  $('clear-confirm').value = '';
  $('clear-go').disabled = true;
  $('clear-dialog').showModal();
  $('clear-confirm').focus();
});
$('clear-confirm').addEventListener('input', () => { $('clear-go').disabled = $('clear-confirm').value !== 'interrupt everyone'; });
$('clear-cancel').addEventListener('click', () => $('clear-dialog').close());
$('clear-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if ($('clear-confirm').value !== 'interrupt everyone') return;
  $('clear-dialog').close();
  try {
    const { data } = await api('POST', '/sessions/clear');
    signedOut(`Everyone was interrupted: ${data.DeletedCount} session(s) ended, yours too. Sign in again.`);
  } catch (err) {
    say(err.message, true);
  }
});

start();
