#!/usr/bin/env bash
# The whole test suite: unit tests, contract suites, integration tests against the real server
# (HTTP, WebSocket, crash, CLI), the admin console in headless Chromium, and bench/run.sh --quick.
# Installs what Maven cannot fetch when it is missing: Chromium + ChromeDriver, wrk, nginx,
# redis-server, redis-sentinel, caddy, gcc, jq, curl, npm (with Node.js).
set -euo pipefail
cd "$(dirname "$0")"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)   # bench/floor.c, the heartbeat row's reference
command -v jq >/dev/null 2>&1 || missing+=(jq)     # the guides' steps (BackendHttpGuideIT)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v npm >/dev/null 2>&1 || missing+=(npm)   # clients/js: tsc on the browser module's types (BrowserModuleTypesIT)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} from Debian packages" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# A hang must fail, not stall CI: each test has its own timeout (pom.xml: tests.timeout), and the
# whole build is stopped after 80 minutes (surefire 3.5.4's fork timeout does not kill a hung fork,
# SUREFIRE-2049), so that a stuck JVM ends the run red within CI's 90.
exec timeout --kill-after=60s "${SESSIOND_TEST_TIMEOUT:-80m}" mvn -B verify "$@"
