#!/usr/bin/env bash
# `make run`: starts ferry on the embedded store with the APIs in examples/
# imported and deployed, plus the small backend the HTTP_PROXY example calls,
# and prints curl commands that work. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${FERRY_LISTEN:-127.0.0.1:8080}
ADMIN=${FERRY_ADMIN_LISTEN:-127.0.0.1:9090}
BACKEND=${EXAMPLE_BACKEND:-127.0.0.1:8081}
DATA=${FERRY_DATA_DIR:-$(mktemp -d -t ferry-run.XXXXXX)}
FERRY=./bin/ferry
export FERRY_ADMIN_URL="http://$ADMIN"
export FERRY_ADMIN_TOKEN=${FERRY_ADMIN_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

go build -o bin/example-backend ./examples/backend
./bin/example-backend --listen "$BACKEND" &
pids+=($!)

"$FERRY" serve --data-dir "$DATA" --listen "$LISTEN" --admin-listen "$ADMIN" --log-format text &
pids+=($!)

for _ in $(seq 1 100); do
  "$FERRY" apis >/dev/null 2>&1 && break
  sleep 0.1
done

mock=$("$FERRY" import examples/mock.yaml)
"$FERRY" deploy "$mock" --stage demo --description "make run" >/dev/null
proxy=$("$FERRY" import examples/http-proxy.yaml)
"$FERRY" deploy "$proxy" --stage demo --stage-var "backend=$BACKEND" >/dev/null

cat <<TXT

ferry is serving (data in $DATA; admin token in FERRY_ADMIN_TOKEN=$FERRY_ADMIN_TOKEN).
Try:
  curl -s 'http://$LISTEN/restapis/$mock/demo/_user_request_/hello?name=ferry'
  curl -s -H 'Host: $mock.execute-api.localhost' 'http://$LISTEN/demo/teapot' -i
  curl -s -X POST -d '{"order":42}' 'http://$LISTEN/restapis/$proxy/demo/_user_request_/svc/orders/42?x=1'
  curl -s 'http://$LISTEN/restapis/$mock/demo/_user_request_/nowhere'      # 403 Missing Authentication Token
  FERRY_ADMIN_URL=$FERRY_ADMIN_URL FERRY_ADMIN_TOKEN=$FERRY_ADMIN_TOKEN $FERRY test-invoke $mock GET /hello --query name=you

Ctrl-C stops ferry and the example backend.
TXT
wait "${pids[1]}"
