#!/usr/bin/env bash
# Copies the API reference page's renderer (Redoc's standalone bundle, MIT) from npm into the
# jar's resources. The version is the one package.json and package-lock.json pin; to move to
# another, change package.json, run `npm install --package-lock-only --legacy-peer-deps
# --ignore-scripts`, then this script, and commit the lock and the copied files together.
# Never a CDN: the page is served from the jar, so it works with no network.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund >&2
out=../src/main/resources/apidocs
mkdir -p "$out"
# One change to the bundle: the "API docs by Redocly" logo is an image from Redocly's CDN; it
# points at an empty data: URL instead, which Redoc's own error handler hides. The page then
# asks nothing of another origin (its Content-Security-Policy would refuse it anyway).
cdn='src:"https://cdn.redoc.ly/redoc/logo-mini.svg"'
grep -qF "$cdn" node_modules/redoc/bundles/redoc.standalone.js \
  || { echo "update.sh: the bundle no longer names $cdn: check what it fetches" >&2; exit 1; }
sed 's|src:"https://cdn.redoc.ly/redoc/logo-mini.svg"|src:"data:,"|' node_modules/redoc/bundles/redoc.standalone.js \
  > "$out/redoc.standalone.js"
if grep -q 'https://cdn' "$out/redoc.standalone.js"; then echo "update.sh: the bundle names another CDN" >&2; exit 1; fi
cp node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt "$out/redoc.standalone.js.LICENSE.txt"
cp node_modules/redoc/LICENSE "$out/redoc.LICENSE"
version=$(node -p 'require("./node_modules/redoc/package.json").version')
printf 'redoc %s (npm, MIT): bundles/redoc.standalone.js, copied by sessiond-server/vendor/update.sh\nwith one change: the Redocly logo from cdn.redoc.ly replaced by an empty data: URL.\n' "$version" > "$out/VENDORED"
rm -rf node_modules
echo "vendored redoc $version into $out" >&2
