#!/usr/bin/env bash
# Soak test (not CI): the release build on a seeded SQLite database for
# DURATION seconds (default 600) of steady mixed load from bench/soak.py:
# public reads (lists, detail, regions, FHIR), document generation
# (Markdown, some PDF) and curation writes (propose + approve). Reports
# errors (must be 0 apart from 4xx), p99 per endpoint, and RSS after the
# warm-up and at the end; fails when RSS grew by more than 10 %.
#
#   bash bench/soak.sh                  # 600 s
#   DURATION=120 bash bench/soak.sh     # shorter
#   SKIP_BUILD=1 bash bench/soak.sh     # use target/release as it is
#   BIN=target/debug/sarcoma-directory SKIP_BUILD=1 DURATION=30 bash bench/soak.sh  # smoke run
#
# Rates (requests per second): READ_RATE (200), MD_RATE (20), PDF_RATE (2),
# WRITE_RATE (2 propose+approve rounds). Only 127.0.0.1 is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-600}
PORT=${PORT:-18082}
bin=${BIN:-target/release/sarcoma-directory}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --locked --quiet
[ -x "$bin" ] || { echo "no $bin: build it (cargo build --release --locked)" >&2; exit 1; }

mkdir -p bench/data bench/results
db=bench/data/soak.sqlite3
rm -f "$db" "$db-wal" "$db-shm"
export DATABASE_URL=$db RUST_LOG=warn
# The first serve seeds the built-in directory.
BIND_ADDR=127.0.0.1:$PORT $bin serve 2>bench/results/soak-server.log &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
ready=""
for _ in $(seq 1 150); do
  if curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; then ready=1; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
[ -n "$ready" ] || { echo "the server did not become ready" >&2; cat bench/results/soak-server.log >&2; exit 1; }
curator=$($bin create-account --name "Soak Curator (synthetic)" --role curator)
reviewer=$($bin create-account --name "Soak Reviewer (synthetic)" --role reviewer)

status=0
python3 bench/soak.py --port "$PORT" --pid "$pid" --duration "$DURATION" \
  --read-rate "${READ_RATE:-200}" --md-rate "${MD_RATE:-20}" --pdf-rate "${PDF_RATE:-2}" \
  --write-rate "${WRITE_RATE:-2}" --curator "$curator" --reviewer "$reviewer" \
  --json bench/results/soak.json | tee bench/results/soak.md || status=$?
kill -0 $pid 2>/dev/null || { echo "the server died during the soak" >&2; status=1; }
errors=$(grep -c ' ERROR ' bench/results/soak-server.log || true)
echo "server log: $errors ERROR line(s) (bench/results/soak-server.log)"
[ "$errors" -eq 0 ] || status=1
exit $status
