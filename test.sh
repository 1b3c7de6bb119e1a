#!/usr/bin/env bash
# The whole test suite: unit tests, integration tests against the real server, the crash test.
# Installs what the tests need that Maven cannot fetch (redis-server, chromium) when missing.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
