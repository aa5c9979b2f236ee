#!/usr/bin/env bash
# Instructions per public read, counted by callgrind: repeatable where
# wrk on two shared cores is not. Usage:
#   bash bench/run.sh                      # once, to build the 10,000-centre data
#   bash bench/instructions.sh [BINARY]    # default target/release/sarcoma-directory
# Prints the instruction count of 1,000 region-list requests (one worker,
# after 50 warm-up requests). Compare two builds on the same data.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sarcoma-directory}
PORT=${PORT:-18099}
DATA=bench/data/bench-10000.sqlite3
[ -f "$DATA" ] || { echo "run bench/run.sh first to create $DATA" >&2; exit 1; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
work=$(mktemp -d)
cp "$DATA" "$work/db.sqlite3"
DATABASE_URL=$work/db.sqlite3 BIND_ADDR=127.0.0.1:$PORT WORKERS=1 RUST_LOG=warn \
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$BIN" serve >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
requests() {
  python3 - "$PORT" "$1" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    c.request("GET", "/v1/centres?country=US&region=US-TX&limit=20")
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
}
requests 50
callgrind_control -z "$pid" >/dev/null
requests 1000
callgrind_control -d "$pid" >/dev/null
sleep 1
echo "instructions for 1,000 region-list requests: $(grep -h '^summary:' "$work"/cg.out.* | awk '{print $2}')"
