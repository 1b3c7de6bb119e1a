// The Activity view: the event log (GET /api/events), newest first, optionally for one user,
// kept live by long polling (wait=) from the newest event shown. Its own module, so that the
// other views need to know only show and hide.

import { api } from './api.js';
import { showUser } from './names.js';

const $ = (id) => document.getElementById(id);
const KEEP = 200;
const WAIT = 25;
let run = 0;          // bumped on each show/hide: a poll loop from an older run stops
let report = () => {};

const events = async (query, signal) => (await api('GET', `/api/events?${query}`, undefined, signal)).data;

function describe(e) {
  if (e.type === 'session.revoked') return e.reason + (e.count != null ? ` (${e.count})` : '');
  if (e.changes) return Object.entries(e.changes).map(([k, v]) => `${k}: ${v}`).join(', ');
  if (e.key_id) return `key ${e.key_id}`;
  if (e.count != null) return String(e.count);
  return '';
}

function actor(a) {
  if (!a) return '–';
  if (a.type === 'session') return a.user_id ? `${a.user_id} (session ${a.session_id})` : `session ${a.session_id}`;
  if (a.type === 'member') return `member ${a.user_id}`;
  if (a.type === 'api_token') return 'API token';
  if (a.type === 'api_key') return `API key ${a.key_id}`;
  return a.type;
}

function row(e) {
  const tr = document.createElement('tr');
  tr.dataset.id = e.id;
  tr.dataset.type = e.type;
  const cells = [
    ['Time', new Date(e.time).toLocaleString(), e.time],
    ['Event', e.type],
    ['User', e.user_id || (e.session_id ? '–' : 'everyone')],
    ['Session', e.session_id || '–'],
    ['Why', describe(e) || '–'],
    ['By', actor(e.actor)],
  ];
  for (const [label, text, title] of cells) {
    const td = document.createElement('td');
    td.dataset.label = label;
    td.textContent = text;
    if (title) td.title = title;
    if (label === 'User' || label === 'Session') td.className = 'mono';
    if (label === 'User' && e.user_id) showUser(td, e.user_id);
    tr.append(td);
  }
  return tr;
}

// Newest first: each batch (oldest first) goes on top, one by one; only the newest KEEP stay.
function prepend(batch) {
  const body = $('activity-table').tBodies[0];
  for (const e of batch) body.prepend(row(e));
  while (body.rows.length > KEEP) body.lastElementChild.remove();
}

function query(after, extra) {
  const q = new URLSearchParams({ limit: '1000', ...extra });
  const user = $('activity-user').value.trim();
  if (user) q.set('user_id', user);
  if (after) q.set('after', after);
  return q;
}

async function follow(mine, controller) {
  let after = null;
  try {
    // Catch up page by page (the log is read oldest first), keeping the newest KEEP.
    for (;;) {
      const page = await events(query(after), controller.signal);
      if (mine !== run) return;
      if (page.length) {
        after = page[page.length - 1].id;
        prepend(page.slice(-KEEP));
      }
      if (page.length < 1000) break;
    }
    $('activity').dataset.live = 'yes';
    let pause = 500;
    while (mine === run) {
      try {
        const batch = await events(query(after, { wait: String(WAIT) }), controller.signal);
        if (mine !== run) return;
        if (batch.length) {
          after = batch[batch.length - 1].id;
          prepend(batch);
        }
        pause = 500;
      } catch (e) {
        if (mine !== run || e.name === 'AbortError') return;
        if (e.status === 401) throw e;
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, 10000);
      }
    }
  } catch (e) {
    if (mine === run && e.name !== 'AbortError') report(e.message, true);
  }
}

let controller = null;

export function showActivity(say) {
  report = say;
  hideActivity();
  const mine = ++run;
  controller = new AbortController();
  $('activity-table').tBodies[0].replaceChildren();
  $('activity').dataset.live = 'no';
  follow(mine, controller);
}

export function hideActivity() {
  run++;
  if (controller) controller.abort();
  controller = null;
}

$('activity-filter').addEventListener('submit', (e) => {
  e.preventDefault();
  showActivity(report);
});
