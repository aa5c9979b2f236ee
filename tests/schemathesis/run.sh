#!/usr/bin/env bash
# Schemathesis against the served OpenAPI document: every operation, every
# check (`--checks all`), with an admin token and known-valid ids so the
# authenticated and `{id}` operations are exercised, not only 401/404.
#
#   bash tests/schemathesis/run.sh             SQLite, bounded (CI)
#   bash tests/schemathesis/run.sh postgres    PostgreSQL (TEST_POSTGRES_URL)
#   FULL=1 bash tests/schemathesis/run.sh ...  many more examples per operation
#
# It builds the debug binary, seeds a fresh database (the built-in directory
# and the plainly fake tests/fixtures/directory.json), creates accounts, a
# proposal and a problem report through the real binary and API, serves it
# on a free port and runs the pinned schemathesis (tests/requirements.txt)
# from target/test-venv, the virtualenv .ci/test builds. It fails on any
# schemathesis failure or error, and when the server log shows a panic.
# Its files (server log, database, reports) go to target/schemathesis/.
# Environment: SEED (default 1), MAX_EXAMPLES (default 10, FULL=1: 200),
# WORKERS (default 1: hypothesis in several threads can trip a CPython 3.11
# AST bug, "AST constructor recursion depth mismatch").
set -euo pipefail
cd "$(dirname "$0")/../.."

backend=${1:-sqlite}
case $backend in sqlite | postgres) ;; *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;; esac

if [ "${FULL:-0}" = 1 ]; then
  max_examples=${MAX_EXAMPLES:-200}
  phases=examples,coverage,fuzzing,stateful
else
  max_examples=${MAX_EXAMPLES:-10}
  phases=examples,coverage,fuzzing
fi
seed=${SEED:-1}
workers=${WORKERS:-1}

# The Python packages, exactly as .ci/test builds them (same pins, same
# stamp), so either script may build the virtualenv first.
venv=target/test-venv
stamp=$(cat tests/requirements.txt <(python3 --version) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$stamp" ]; then
  echo "creating $venv from tests/requirements.txt"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
  echo "$stamp" >"$venv/.requirements.sha256"
fi
for tool in curl jq; do
  command -v $tool >/dev/null || { echo "$tool is needed (bash .ci/test installs it)" >&2; exit 1; }
done

cargo build --locked --quiet
bin=$PWD/target/debug/sarcoma-directory

work=$PWD/target/schemathesis/$backend
rm -rf "$work"
mkdir -p "$work"
log=$work/server.log
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_db" ]; then
    psql -q "$pg_admin_url" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ "$backend" = postgres ]; then
  pg_admin_url=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  if [[ $pg_admin_url == *@127.0.0.1:5432/* ]] && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "PostgreSQL is down; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_db=schemathesis_$$
  psql -q "$pg_admin_url" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
  export DATABASE_URL=${pg_admin_url%/*}/$pg_db
else
  export DATABASE_URL=$work/directory.sqlite3
fi
export BIND_ADDR=127.0.0.1:0 RUST_LOG=info REPORTS_PER_HOUR=10000

# The built-in directory and the fake fixtures (clinicians, facts), then
# the first admin, before the first start.
"$bin" seed >/dev/null
"$bin" seed --file tests/fixtures/directory.json >/dev/null
ADMIN=$("$bin" create-account --name "Schemathesis admin" --role admin 2>/dev/null)

"$bin" serve >"$log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$port" ] || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }
base=http://127.0.0.1:$port
echo "serving $backend on $base (log: $log)"

api() { # METHOD PATH TOKEN [curl args...]: the JSON answer; fails on an error status
  local method=$1 path=$2 token=$3
  shift 3
  curl -sSf -X "$method" "$base$path" -H "Authorization: Bearer $token" "$@"
}
json=(-H 'Content-Type: application/json')

# An account for the account operations to change (its token to revoke),
# and a curator whose proposal the proposal operations review.
target=$(api POST /v1/curation/accounts "$ADMIN" "${json[@]}" \
  -d '{"display_name": "Schemathesis target", "role": "curator", "token_expires_in_days": 30}')
author=$(api POST /v1/curation/accounts "$ADMIN" "${json[@]}" \
  -d '{"display_name": "Schemathesis author", "role": "curator", "token_expires_in_days": 30}')
AUTHOR=$(jq -r .token.token <<<"$author")
etag=$(curl -sSf -o "$work/stored.json" -w '%header{etag}' "$base/v1/curation/centres/fake-boston" \
  -H "Authorization: Bearer $AUTHOR")
jq '{kind: "centre", action: "update", id: .entity.id,
     entity: (.entity | .website = "https://example.org/fake-boston-moved"),
     reason: "The fictional unit moved its pages (schemathesis fixture)",
     sources: [{url: "https://example.org/fictional-test-source", citation: null, retrieved: "2026-11-01"}]}' \
  "$work/stored.json" >"$work/proposal.json"
proposal=$(api POST /v1/curation/proposals "$AUTHOR" "${json[@]}" -H "If-Match: $etag" \
  -d @"$work/proposal.json")
report=$(curl -sSf -X POST "$base/v1/centres/fake-houston/reports" "${json[@]}" \
  -d '{"category": "wrong_address", "details": "The street number looks wrong (schemathesis fixture)."}')

# The settings with the token and ids filled in.
config=$work/schemathesis.toml
sed -e "s|@HOOKS@|$PWD/tests/schemathesis/hooks.py|" \
  -e "s|@TOKEN@|$ADMIN|" \
  -e "s|@ACCOUNT_ID@|$(jq -r .account.id <<<"$target")|" \
  -e "s|@TOKEN_ID@|$(jq -r .token.id <<<"$target")|" \
  -e "s|@PROPOSAL_ID@|$(jq -r .id <<<"$proposal")|" \
  -e "s|@REPORT_ID@|$(jq -r .id <<<"$report")|" \
  tests/schemathesis/schemathesis.toml >"$config"

# From $work, where schemathesis keeps its cache (.schemathesis/).
status=0
st=$PWD/$venv/bin/schemathesis
(cd "$work" && "$st" --config-file "$config" run "$base/openapi.json" \
  --checks all --phases "$phases" --max-examples "$max_examples" --seed "$seed" \
  --workers "$workers" --no-color --report junit --report-dir "$work") || status=$?

if grep -q panicked "$log"; then
  echo "the server panicked:" >&2
  grep -A5 panicked "$log" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "schemathesis ($backend): FAILED (server log: $log)" >&2
  exit "$status"
fi
echo "schemathesis ($backend): no failures, no errors, no panics"
