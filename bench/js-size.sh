#!/usr/bin/env bash
# The browser module's size as a page downloads it: clients/js/sessiond.js as is, minified by
# terser (the version of clients/js/package-lock.json: compress, mangle, ES2020 module), and each
# gzipped (-9) and brotli'd when brotli is installed. Prints a row for docs/benchmarks.md.
# Usage: bench/js-size.sh
set -euo pipefail
cd "$(dirname "$0")/../clients/js"
[ -x node_modules/.bin/terser ] || npm ci --prefer-offline --no-audit --no-fund --loglevel=error
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node_modules/.bin/terser sessiond.js --module --ecma 2020 --compress passes=2 --mangle -o "$tmp/sessiond.min.js"
raw=$(wc -c < sessiond.js)
min=$(wc -c < "$tmp/sessiond.min.js")
gz=$(gzip -9 -c "$tmp/sessiond.min.js" | wc -c)
rawgz=$(gzip -9 -c sessiond.js | wc -c)
verdict=$([ "$gz" -le 5120 ] && echo "≤ 5 KB: met" || echo "≤ 5 KB: NOT met")
echo "sessiond.js: $raw bytes as served ($rawgz gzipped); minified $min bytes, minified + gzipped $gz bytes"
echo "| browser module clients/js/sessiond.js, minified (terser $(node_modules/.bin/terser --version | awk '{print $2}')) + gzip -9 | $gz bytes ($min minified; as served $raw, $rawgz gzipped) | $verdict |"
