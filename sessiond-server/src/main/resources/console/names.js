// Who a user ID is. A member's sessions carry its member ID: the console shows the member's
// username instead, with the ID in the title. A session a trusted backend created for a user of
// its own (POST /api/sessions with any user_id) is no member's: it keeps showing its user ID.
// The profile a session carries is no help here: its name is whatever the member's profile or
// the backend says, not the username. So there is one source, GET /api/members: read when an
// admin signs in, whenever the Members view reads it, and again (at most once a second) when an
// ID turns up that the latest list could not have known (a member created elsewhere signing in).
// The feed says nothing about members, so this is how names stay current.

const names = new Map();     // member ID -> username, from the latest list
const strangers = new Set(); // IDs the latest list did not hold: a backend's own users
const pending = new Set();   // IDs shown since, neither known nor looked up yet
let loading = null;
let again = false;
let timer = null;
let lastLoad = 0;

function label(el) {
  const uid = el.dataset.userId;
  const name = names.get(uid);
  el.textContent = name ?? uid;
  el.title = name === undefined ? '' : uid;
  el.classList.toggle('mono', name === undefined);
}

// Takes a fresh list of every member (GET /api/members) and relabels what is shown; asked holds
// the IDs pending when that list was asked for: those it lacks are no member's.
export function knowMembers(members, asked = new Set()) {
  names.clear();
  for (const m of members) names.set(m.id, m.username);
  for (const uid of [...pending]) {
    if (names.has(uid)) {
      pending.delete(uid);
    } else if (asked.has(uid)) {
      pending.delete(uid);
      strangers.add(uid);
    }
  }
  for (const uid of [...strangers]) if (names.has(uid)) strangers.delete(uid);
  for (const el of document.querySelectorAll('[data-user-id]')) label(el);
}

// Reads the member list again; a call while one is under way reads once more after it.
export function loadNames() {
  if (loading) {
    again = true;
    return loading;
  }
  const asked = new Set(pending);
  lastLoad = Date.now();
  loading = fetch('/api/members', { credentials: 'same-origin' })
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((members) => knowMembers(members, asked))
    .catch(() => { /* the IDs stay shown: still true, only less friendly */ })
    .finally(() => {
      loading = null;
      if (again) {
        again = false;
        loadNames();
      }
    });
  return loading;
}

function soon() {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    if (pending.size) loadNames();
  }, Math.max(250, lastLoad + 1000 - Date.now()));
}

// Shows user uid in el: the member's username if it is one, else the ID.
export function showUser(el, uid) {
  el.dataset.userId = uid;
  label(el);
  if (!names.has(uid) && !strangers.has(uid)) {
    pending.add(uid);
    soon();
  }
  return el;
}
