#!/usr/bin/env bash
# Document benchmark: the second-opinion letter as PDF at 8 concurrent
# requests, and as Markdown and HTML at 32, against the release build on
# the built-in seed. Appends to bench/results/documents.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
PORT=${PORT:-18081}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
mkdir -p bench/data bench/results
db=bench/data/documents.sqlite3
rm -f "$db" "$db-wal" "$db-shm"
DATABASE_URL=$db BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn target/release/sarcoma-directory serve &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
out=bench/results/documents.md
echo "| format | connections | docs/s | p50 | p99 |" > "$out"
echo "| --- | --- | --- | --- | --- |" >> "$out"
for spec in "pdf 8" "md 32" "html 32"; do
  set -- $spec
  # One warm-up request, then the measurement.
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @<(sed -n '/\[\[/,/\]\]/p' bench/documents.lua | sed 's/^wrk.body = \[\[//; s/\]\]$//') "http://127.0.0.1:$PORT/v1/documents/second-opinion?format=$1"
  res=$(wrk -t2 -c"$2" -d"$DURATION" --latency -s bench/documents.lua "http://127.0.0.1:$PORT/v1/documents/second-opinion?format=$1")
  if grep -q "Non-2xx" <<<"$res"; then echo "non-2xx answers for $1" >&2; echo "$res" >&2; exit 1; fi
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$res")
  p50=$(awk '$1=="50%" {print $2}' <<<"$res")
  p99=$(awk '$1=="99%" {print $2}' <<<"$res")
  echo "| $1 | $2 | $rps | $p50 | $p99 |" | tee -a "$out"
done
