#!/usr/bin/env bash
# This build against another commit's jar, in one run (bench/previous.sh): creations and
# revocations alternating, then verification over 200 sessions, each jar on a fresh embedded
# store, the two alternated run by run; server CPU per request from /proc. Prints the table.
#
#   bench/ab.sh <commit> ["title"]      e.g. bench/ab.sh 9b3e9c9 "Issue 22's limits: this build against 9b3e9c9"
#   RUNS (5), DURATION (10s), WARMUP (10s) choose the sizes. Builds this tree's jar first.
# Everything runs on 127.0.0.1 with bounded durations; what it starts is stopped by PID on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
PREVIOUS_COMMIT="${1:?usage: bench/ab.sh <commit> [title]}"
PREV_TITLE="${2:-This build against $1 (embedded store)}"
RUNS="${RUNS:-5}"; DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-10s}"; CONNECTIONS=64
work="$(mktemp -d /tmp/sessiond-ab.XXXXXX)"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap cleanup EXIT
(cd "$root" && mvn -B -q -DskipTests package -pl sessiond-server -am) >"$work/build.log" 2>&1
SERVER_JAR="$root/sessiond-server/target/sessiond.jar"
API_TOKEN="bench-api-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# shellcheck source=bench/previous.sh
. "$here/previous.sh"
echo "<!-- bench/ab.sh $PREVIOUS_COMMIT at $(git -C "$root" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, RUNS=$RUNS DURATION=$DURATION -->"
report_tables
