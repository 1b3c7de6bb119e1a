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
cp node_modules/redoc/bundles/redoc.standalone.js "$out/redoc.standalone.js"
cp node_modules/redoc/bundles/redoc.standalone.js.LICENSE.txt "$out/redoc.standalone.js.LICENSE.txt"
cp node_modules/redoc/LICENSE "$out/redoc.LICENSE"
version=$(node -p 'require("./node_modules/redoc/package.json").version')
printf 'redoc %s (npm, MIT): bundles/redoc.standalone.js, copied by sessiond-server/vendor/update.sh\n' "$version" > "$out/VENDORED"
rm -rf node_modules
echo "vendored redoc $version into $out" >&2
