#!/usr/bin/env bash
# Dashboard first-load time (cold and warm) in headless Debian Chromium:
#
#   dashboard/bench-first-load.sh [runs]      (after mvn -pl server -am package; needs /usr/bin/chromium)
#
# Starts the packaged server (server/target/ipfs-kit.jar) in HTTP mode on a free port with a scratch
# home and a fresh token, runs server/src/test/node/browser/bench-first-load.mjs against it (playwright-core
# installed like the tests do, under ~/.cache/ipfs-kit/node/<hash>), prints a Markdown table and
# stops the server by its PID.
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-15}"
jar="$root/server/target/ipfs-kit.jar"
suite="$root/server/src/test/node/browser"
[[ -f "$jar" ]] || { echo "no $jar: build it first (mvn -B -pl server -am package -DskipTests)" >&2; exit 1; }
[[ -x /usr/bin/chromium ]] || { echo "no /usr/bin/chromium: apt-get install -y chromium" >&2; exit 1; }

# Same directory NodeScripts uses for this package.json (first 16 hex of its SHA-256).
deps="$HOME/.cache/ipfs-kit/node/$(sha256sum "$suite/package.json" | cut -c1-16)"
mkdir -p "$deps"
if [[ ! -f "$deps/node_modules/.ipfs-kit-installed" ]]; then
  cp "$suite/package.json" "$deps/"
  (cd "$deps" && npm install --no-audit --no-fund --loglevel=error) >&2
  echo ok >"$deps/node_modules/.ipfs-kit-installed"
fi
cp "$suite"/*.mjs "$deps/"

scratch="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
IPFS_KIT_HOME="$scratch/home" IPFS_KIT_HTTP_TOKEN="$token" java -jar "$jar" serve --http --port "$port" \
  >"$scratch/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
  sleep 0.1
done
(cd "$deps" && node bench-first-load.mjs "http://127.0.0.1:$port/" "$token" "$runs")
