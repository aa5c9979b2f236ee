#!/usr/bin/env bash
# Write-path benchmark (issue 12): two release-build nodes over one
# database (SQLite, then PostgreSQL), the synthetic directory loaded.
# Measures, per size and backend: RSS of a node after loading; single
# approval latency and how soon the second node shows it (bench/writes.py);
# a bulk approval of BULK proposals; region-list reads (wrk, 32
# connections) while a writer approves one change per second; FHIR
# searchsets against the equivalent /v1 lists. Checks that the second
# node never reloaded the whole directory.
#
#   bash bench/writes.sh              # 10,000 centres / 50,000 clinicians
#   bash bench/writes.sh 100000       # also 100,000 centres / 500,000 clinicians
#   SKIP_BUILD=1 BACKENDS=sqlite APPROVALS=50 BULK=200 bash bench/writes.sh
#   SIZES=100000 bash bench/writes.sh     # only 100,000 / 500,000
set -euo pipefail
cd "$(dirname "$0")/.."

read -ra SIZES <<<"${SIZES:-10000 $*}"
BACKENDS=${BACKENDS:-"sqlite postgres"}
APPROVALS=${APPROVALS:-200}
BULK=${BULK:-1000}
DURATION=${DURATION:-10s}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18090}
PEER=$((PORT + 1))

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --locked --quiet
mkdir -p bench/data bench/results
bin=${BIN:-target/release/sarcoma-directory}
out=bench/results/writes.md
: > "$out"

rss() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024 )); }
ready() {
  for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.5; done
  echo "node on port $1 did not become ready" >&2; return 1
}
wrk_line() { # label path
  local res
  res=$(wrk -t1 -c32 -d"$DURATION" --latency "http://127.0.0.1:$PORT$2")
  if grep -q "Non-2xx" <<<"$res"; then echo "non-2xx answers for $2" >&2; exit 1; fi
  printf '%s: %s req/s, p50 %s, p99 %s\n' "$1" \
    "$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$res")" \
    "$(awk '$1=="50%" {print $2}' <<<"$res")" "$(awk '$1=="99%" {print $2}' <<<"$res")" | tee -a "$out"
}

for size in "${SIZES[@]}"; do
  clinicians=$((size * 5))
  data=bench/data/directory-$size-$clinicians.json
  [ -f "$data" ] || python3 bench/generate.py --centres "$size" --clinicians "$clinicians" > "$data"
  for backend in $BACKENDS; do
    echo "## $size centres, $clinicians clinicians, $backend" | tee -a "$out"
    if [ "$backend" = sqlite ]; then
      url=bench/data/writes-$size.sqlite3
      rm -f "$url" "$url-wal" "$url-shm"
    else
      db=sarcoma_writes_$size
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
      url=$PG_SERVER/$db
    fi
    export DATABASE_URL=$url
    RUST_LOG=warn $bin seed --file "$data" >/dev/null
    RUST_LOG=warn BIND_ADDR=127.0.0.1:$PORT $bin serve 2>bench/results/writes-a.log &
    a=$!
    trap 'kill $a 2>/dev/null || true' EXIT
    # The first node finishes start-up (migrations, seeding) before the
    # second starts, as a rolling deployment would.
    ready $PORT
    RUST_LOG=info BIND_ADDR=127.0.0.1:$PEER $bin serve 2>bench/results/writes-b.log &
    b=$!
    trap 'kill $a $b 2>/dev/null || true' EXIT
    ready $PEER
    echo "RSS after load: $(rss $a) MiB" | tee -a "$out"
    curator=$(RUST_LOG=warn $bin create-account --name "Bench Curator (synthetic)" --role curator)
    reviewer=$(RUST_LOG=warn $bin create-account --name "Bench Reviewer (synthetic)" --role reviewer)
    python3 bench/writes.py --port $PORT --peer-port $PEER --curator "$curator" --reviewer "$reviewer" \
      --approvals "$APPROVALS" --bulk "$BULK" | tee -a "$out"
    full=$(grep -c "loaded in full" bench/results/writes-b.log || true)
    echo "second node: $full full reload(s) after start-up" | tee -a "$out"
    python3 bench/writes.py --port $PORT --curator "$curator" --reviewer "$reviewer" \
      --approvals "$APPROVALS" --bulk "$BULK" --writer-only "${DURATION%s}" >/dev/null &
    w=$!
    wrk_line "region list while a writer approves 1/s" "/v1/centres?country=US&region=US-TX&limit=20"
    wait $w
    wrk_line "region list, no writes" "/v1/centres?country=US&region=US-TX&limit=20"
    # Filter counts: the first answer per snapshot counts every match (timed
    # once with curl right after a write), the rest come from the memo.
    python3 bench/writes.py --port $PORT --curator "$curator" --reviewer "$reviewer" \
      --approvals "$APPROVALS" --bulk "$BULK" --writer-only 1 >/dev/null
    for f in "country=US" "country=DE" "programme=bone&service=tumour_board"; do
      printf 'facets %s, first answer after a write: %s s\n' "$f" \
        "$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/v1/centres/facets?$f")" | tee -a "$out"
    done
    wrk_line "facets country=US" "/v1/centres/facets?country=US"
    wrk_line "facets programme=bone&service=tumour_board" "/v1/centres/facets?programme=bone&service=tumour_board"
    wrk_line "/v1/centres?country=US" "/v1/centres?country=US&limit=20"
    wrk_line "FHIR Organization?address-country=US" "/fhir/Organization?address-country=US&_count=20"
    wrk_line "/v1/clinicians?country=US" "/v1/clinicians?country=US&limit=20"
    wrk_line "FHIR Practitioner?address-country=US" "/fhir/Practitioner?address-country=US&_count=20"
    echo "RSS after the run: $(rss $a) MiB" | tee -a "$out"
    kill $a $b; wait $a $b 2>/dev/null || true
    trap - EXIT
  done
done
echo "results in $out"
