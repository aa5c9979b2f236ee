#!/usr/bin/env bash
# Read-path benchmark: generates the synthetic directory, serves it from the
# release build on SQLite and on PostgreSQL, and measures with wrk at 32
# connections. Writes the figures to bench/results/ and prints a Markdown
# table for bench/README.md.
#
#   bash bench/run.sh              # 10,000 centres / 50,000 clinicians
#   bash bench/run.sh 100000       # 100,000 centres / 500,000 clinicians too
#   BACKENDS=sqlite SKIP_BUILD=1 bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("10000" "${@}")
DURATION=${DURATION:-10s}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18080}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
mkdir -p bench/data bench/results
bin=target/release/sarcoma-directory
out=bench/results/latest.md
echo "| centres | backend | query | req/s | p50 | p99 |" > "$out"
echo "| --- | --- | --- | --- | --- | --- |" >> "$out"

measure() { # size backend label path
  local res rps p50 p99
  res=$(wrk -t1 -c32 -d"$DURATION" --latency "http://127.0.0.1:$PORT$4")
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$res")
  p50=$(awk '$1=="50%" {print $2}' <<<"$res")
  p99=$(awk '$1=="99%" {print $2}' <<<"$res")
  if grep -q "Non-2xx" <<<"$res"; then echo "non-2xx answers for $4" >&2; exit 1; fi
  echo "| $1 | $2 | $3 | $rps | $p50 | $p99 |" | tee -a "$out"
}

for size in "${SIZES[@]}"; do
  clinicians=$((size * 5)); [ "$clinicians" -gt 100000 ] && clinicians=100000
  data=bench/data/directory-$size.json
  [ -f "$data" ] || python3 bench/generate.py --centres "$size" --clinicians "$clinicians" > "$data"
  for backend in ${BACKENDS:-sqlite postgres}; do
    if [ "$backend" = sqlite ]; then
      url=bench/data/bench-$size.sqlite3
      rm -f "$url" "$url-wal" "$url-shm"
    else
      db=sarcoma_bench_$size
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
      url=$PG_SERVER/$db
    fi
    DATABASE_URL=$url RUST_LOG=warn $bin seed --file "$data" >/dev/null
    DATABASE_URL=$url BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn $bin serve &
    pid=$!
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
    rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    echo "server RSS with $size centres on $backend: $((rss_kb / 1024)) MiB" | tee -a bench/results/memory.txt
    measure "$size" "$backend" "region list" "/v1/centres?country=US&region=US-TX&limit=20"
    measure "$size" "$backend" "near 200 km" "/v1/centres?near=39.0,-95.0&radius_km=200&limit=20"
    measure "$size" "$backend" "q text search" "/v1/centres?q=riverside%20sarcoma&limit=20"
    measure "$size" "$backend" "get by id" "/v1/centres/synthetic-centre-000042"
    measure "$size" "$backend" "meets guide centre, US" "/v1/centres?meets=guide-sarcoma-centre&country=US&limit=20"
    measure "$size" "$backend" "facets, no filter" "/v1/centres/facets"
    measure "$size" "$backend" "facets, country=DE" "/v1/centres/facets?country=DE"
    measure "$size" "$backend" "facets, country=US" "/v1/centres/facets?country=US"
    measure "$size" "$backend" "suggest q=riv" "/v1/suggest?q=riv"
    measure "$size" "$backend" "suggest q=synthetic north" "/v1/suggest?q=synthetic%20north"
    measure "$size" "$backend" "GeoJSON region page" "/v1/centres.geojson?country=US&region=US-TX&limit=20"
    measure "$size" "$backend" "HSDS services, search, page 2" "/hsds/services?search=riverside&per_page=20&page=2"
    # synthetic-centre-000042's HSDS service id (src/handlers/hsds/terms.rs)
    measure "$size" "$backend" "HSDS service by id" "/hsds/services/bcf7c02c-dbac-8f8f-af39-29ebcd8e8bb8"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
echo "results in $out"
