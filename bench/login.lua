-- wrk script: POST /api/login as the bench member (Argon2id on every request).
wrk.method = "POST"
wrk.body = '{"username":"bench","password":"bench-password-0123"}'
wrk.headers["Content-Type"] = "application/json"
