// The console's one fetch helper: same-origin calls with the session cookie; an error answer
// throws an Error with the server's message and the HTTP status.

export async function api(method, path, body, signal) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
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
