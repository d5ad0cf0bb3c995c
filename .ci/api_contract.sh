#!/usr/bin/env bash
# CI-only: schemathesis over the whole OpenAPI schema against the demo (issue 11, point 11).
# A fresh SQLite demo database (reference data, synthetic demo data and users), the server
# with debug off, then one schemathesis run per demo role (positive and negative data), each
# failing on any 5xx, any response that does not match the schema, any undocumented status.
# Bounded by --max-examples per operation so that the stage ends in well under 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK="$(mktemp -d)"
PORT="${API_CONTRACT_PORT:-8765}"
EXAMPLES="${API_CONTRACT_EXAMPLES:-3}"
# The first role runs schemathesis' coverage phase too (boundary and out-of-schema values of
# every parameter and field, about 1,500 requests); the others fuzz a few cases per operation
# as themselves, so that each role's refusals are checked against the schema as well.
ROLES="${API_CONTRACT_ROLES:-officer helsinki keha analyst reception}"
# This role authenticates as a client would: a knox token from POST /api/v1/auth/token/ (the
# others use a session made in the database). Its run leaves out the two logout operations,
# which would revoke the token; the session roles run them (401 without a token, and
# logout-all revokes only their own tokens).
TOKEN_ROLE="${API_CONTRACT_TOKEN_ROLE:-reception}"
export ENVIRONMENT=development DEMO_MODE=True DEBUG=False TASKS_IMMEDIATE=True
export DATABASE_URL="sqlite:///${WORK}/contract.sqlite3"
export KOTOPAIKKA_AUDIT_CHECKPOINT_DIR="${WORK}/checkpoints"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

start=$(date +%s)
$PY manage.py migrate --no-input -v0
$PY manage.py load_registry >/dev/null
$PY manage.py load_rules >/dev/null
$PY manage.py seed_demo >/dev/null
$PY manage.py audit_checkpoint 2>/dev/null  # the seeded log, signed; verified after the runs
$PY manage.py runserver --noreload "127.0.0.1:${PORT}" >"${WORK}/server.log" 2>&1 &
SERVER=$!
fetch() {  # fetch URL [HEADER]: the body, or fail (no curl needed)
  $PY -c 'import sys, urllib.request as u
h = dict([sys.argv[2].split(": ", 1)]) if len(sys.argv) > 2 else {}
sys.stdout.write(u.urlopen(u.Request(sys.argv[1], headers=h), timeout=30).read().decode())' "$@"
}
for _ in $(seq 60); do
  fetch "http://127.0.0.1:${PORT}/health/" >/dev/null 2>&1 && break
  sleep 0.5
done

failed=0
operations=0
requests=0
phases=coverage,fuzzing
# The token first, before any run fuzzes the login endpoint into its throttle (20 a minute).
mapfile -t token_headers < <($PY .ci/api_session.py --token "$TOKEN_ROLE" "http://127.0.0.1:${PORT}")
fetch "http://127.0.0.1:${PORT}/api/v1/me/" "${token_headers[0]}" >/dev/null
for role in $ROLES; do
  exclude=()
  if [ "$role" = "$TOKEN_ROLE" ]; then
    headers=("${token_headers[@]}")
    exclude=(--exclude-operation-id auth_logout --exclude-operation-id auth_logout_all)
    how=token
  else
    mapfile -t headers < <($PY .ci/api_session.py "$role")
    how=session
  fi
  auth=()
  for header in "${headers[@]}"; do auth+=(-H "$header"); done
  fetch "http://127.0.0.1:${PORT}/api/schema/?format=json" "${headers[0]}" >"${WORK}/schema.json"
  log="${WORK}/${role}.log"
  if ! .venv/bin/st run "${WORK}/schema.json" --url "http://127.0.0.1:${PORT}" \
      "${auth[@]}" -H "Accept-Language: sv" "${exclude[@]}" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
      --mode all --phases "$phases" --max-examples "$EXAMPLES" --seed 11 --workers 2 \
      --no-shrink --suppress-health-check all >"$log" 2>&1; then
    failed=1
    sed -n '/FAILURES/,$p' "$log" | head -150 || true  # head closes the pipe early
  fi
  if [ "$how" = token ] && ! fetch "http://127.0.0.1:${PORT}/api/v1/me/" "${headers[0]}" >/dev/null 2>&1; then
    echo "   the token of ${role} no longer works after its run"; failed=1
  fi
  tested=$(sed -n 's/^ *Tested: \([0-9]*\).*/\1/p' "$log" | tail -1)
  cases=$(sed -n 's/^ *\([0-9]*\) generated.*/\1/p' "$log" | tail -1)
  echo "   as ${role} (${how}, ${phases}): ${tested:-0} operations, ${cases:-0} requests; $(grep -E '^ *[0-9]+ generated' "$log" | xargs)"
  operations=$(( ${tested:-0} > operations ? ${tested:-0} : operations ))
  requests=$((requests + ${cases:-0}))
  phases=fuzzing
done
echo "API contract: ${operations} operations, ${requests} requests in $(( $(date +%s) - start )) s; 5xx, schema mismatches and undocumented statuses fail it"
# The audit log the runs wrote: the whole chain, and the seeded part against its checkpoint.
if ! $PY manage.py verify_audit --min-events 1 --require-checkpoint; then
  failed=1
fi
if grep -q "Traceback" "${WORK}/server.log"; then
  echo "server log has tracebacks:"; grep -B2 -A20 "Traceback" "${WORK}/server.log" | head -80
  failed=1
fi
exit $failed
