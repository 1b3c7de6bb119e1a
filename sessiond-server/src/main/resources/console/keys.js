// The Keys view: API keys (GET/POST/DELETE /api/keys). A new key's secret is shown once, in its
// own box, until the view is left; the list never holds it. Its own module, like activity.js.

import { api } from './api.js';

const $ = (id) => document.getElementById(id);
let report = () => {};

const call = async (method, path, body) => (await api(method, path, body)).data;

function row(k) {
  const tr = document.createElement('tr');
  tr.dataset.id = k.id;
  const cells = [['Name', k.name], ['ID', k.id], ['Scopes', k.scopes.join(', ')],
    ['Created', new Date(k.created_at).toLocaleString()]];
  for (const [label, text] of cells) {
    const td = document.createElement('td');
    td.dataset.label = label;
    td.textContent = text;
    if (label === 'ID') td.className = 'mono';
    tr.append(td);
  }
  const td = document.createElement('td');
  td.dataset.label = 'Actions';
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'danger';
  b.textContent = 'Delete';
  b.addEventListener('click', async () => {
    if (!confirm(`Delete the key "${k.name}"? Whatever uses it is refused from its next request.`)) return;
    try {
      await call('DELETE', `/api/keys/${encodeURIComponent(k.id)}`);
      report(`Key "${k.name}" deleted.`);
      await load();
    } catch (e) {
      report(e.message, true);
    }
  });
  td.append(b);
  tr.append(td);
  return tr;
}

async function load() {
  const keys = await call('GET', '/api/keys');
  $('keys-table').tBodies[0].replaceChildren(...keys.map(row));
}

export async function showKeys(say) {
  report = say;
  $('key-secret').hidden = true;
  $('key-secret-value').textContent = '';
  try {
    await load();
  } catch (e) {
    report(e.message, true);
  }
}

export function hideKeys() {
  $('key-secret').hidden = true;
  $('key-secret-value').textContent = '';
}

$('key-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const scopes = [...document.querySelectorAll('#key-form input[name=scope]:checked')].map((c) => c.value);
  try {
    const k = await call('POST', '/api/keys', { name: $('key-name').value, scopes });
    $('key-secret-value').textContent = k.key;
    $('key-secret').hidden = false;
    $('key-name').value = '';
    report(`Key "${k.name}" made: copy it now, it is not shown again.`);
    await load();
  } catch (err) {
    report(err.message, true);
  }
});
