#!/usr/bin/env bash
# Builds the dashboard into <output-dir> (index.html, style.css, app.js and a .gz twin of each):
#
#   dashboard/build.sh server/target/classes/dashboard
#
# The server module's Maven build runs this in generate-resources (exec-maven-plugin), so the
# shaded jar carries the page as the classpath folder `dashboard/` and serves it at `/`.
# `-Ddashboard.skip=true` leaves it out (a jar without the page; the MCP and REST endpoints work);
# so does a machine without Node.js, with a warning.
#
# npm dependencies (the MCP TypeScript SDK and esbuild, pinned by package-lock.json) are installed
# once per package.json + package-lock.json content into ~/.cache/ipfs-kit/dashboard/<hash>/, with
# npm's own cache in ~/.cache/ipfs-kit/npm; nothing is written into the clone. After the first
# install the build works offline. esbuild finds the packages through NODE_PATH.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: dashboard/build.sh <output-dir>}"
cache="$HOME/.cache/ipfs-kit"

# Without Node.js the jar is still built (stdio and the HTTP endpoints need no page), without the
# dashboard, and says so; `serve --http` then prints that / has no dashboard.
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "dashboard/build.sh: WARNING: $tool is not on PATH, so this build has NO web dashboard;" \
      "install Node.js 20+ with npm and rebuild to get it (-Ddashboard.skip=true silences this)" >&2
    exit 0
  fi
done

hash="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16)"
deps="$cache/dashboard/$hash"
mkdir -p "$deps"

install_deps() {
  if [[ ! -f "$deps/node_modules/.ipfs-kit-installed" ]]; then
    cp "$here/package.json" "$here/package-lock.json" "$deps/"
    # --prefer-offline: a second clone on this machine installs from npm's cache without the network.
    (cd "$deps" && npm ci --no-audit --no-fund --loglevel=error --prefer-offline --cache "$cache/npm") >&2
    touch "$deps/node_modules/.ipfs-kit-installed"
  fi
}

# One install at a time (parallel builds of two clones share the cache directory).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$deps/.lock"
  flock 9
  install_deps
  flock -u 9
else
  install_deps
fi

mkdir -p "$out"
NODE_PATH="$deps/node_modules" "$deps/node_modules/.bin/esbuild" "$here/src/main.js" \
  --bundle --minify --format=iife --platform=browser --target=es2022 \
  --legal-comments=eof --log-level=warning --outfile="$out/app.js"
cp "$here/src/index.html" "$here/src/style.css" "$out/"
# gzip twins (app.js.gz, ...): the server sends them with Content-Encoding: gzip to browsers that accept
# it (Jetty's DefaultServlet "precompressed"), so nothing is compressed per request. Level 9, no timestamp.
node -e 'const fs = require("fs"), zlib = require("zlib");
  for (const f of process.argv.slice(1)) fs.writeFileSync(f + ".gz", zlib.gzipSync(fs.readFileSync(f), { level: 9 }));' \
  "$out/app.js" "$out/style.css" "$out/index.html"
