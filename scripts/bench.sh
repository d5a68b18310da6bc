#!/usr/bin/env bash
# `make bench`: the Go benchmarks, then a load run on loopback against
# ferry's HTTP_PROXY route and against the same backend directly, printing
# requests/s side by side. Bounded: each load run lasts DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

# SKIP_GO_BENCH=1 runs only the load part.
if [ -z "${SKIP_GO_BENCH:-}" ]; then
  echo "== go benchmarks"
  go test -run='^$' -bench=. -benchmem ./internal/... | grep -E '^(Benchmark|ok|PASS|FAIL|pkg)' || true
fi

free_port() { python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()
PY
}
BACKEND=127.0.0.1:$(free_port)
LISTEN=127.0.0.1:$(free_port)
ADMIN=127.0.0.1:$(free_port)
DATA=$(mktemp -d -t ferry-bench.XXXXXX)
export FERRY_ADMIN_URL="http://$ADMIN" FERRY_ADMIN_TOKEN=bench-$$

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DATA"
  [ -n "${LOCAL_AWS:-}" ] && bash scripts/stop-local-aws.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

# The SNS publish path needs the local AWS servers (make deps installs them).
if bash scripts/install-deps.sh >/dev/null; then
  LOCAL_AWS=1
  export GOAWS_TOPICS="bench-topic" GOAWS_QUEUES="bench-queue"
  eval "$(bash scripts/start-local-aws.sh 2>/dev/null)"
fi

go build -o bin/example-backend ./examples/backend
./bin/example-backend --listen "$BACKEND" 2>/dev/null &
pids+=($!)
./bin/ferry serve --data-dir "$DATA" --listen "$LISTEN" --admin-listen "$ADMIN" --log-format json >/dev/null 2>&1 &
pids+=($!)
ferry_pid=$!
for _ in $(seq 1 100); do ./bin/ferry apis >/dev/null 2>&1 && break; sleep 0.1; done
api=$(./bin/ferry import examples/http-proxy.yaml)
./bin/ferry deploy "$api" --stage bench --stage-var "backend=$BACKEND" >/dev/null
curl -sf "http://$LISTEN/restapis/$api/bench/_user_request_/svc/warm" >/dev/null

rps() { wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
# ferry's CPU time (user + system, in clock ticks) so far.
ferry_ticks() { awk '{print $14 + $15}' "/proc/$ferry_pid/stat" 2>/dev/null || echo 0; }
direct=$(rps "http://$BACKEND/items/1")
# Requests/s moves with whatever else the machine runs; ferry's CPU time per
# request barely does, so it is the figure to compare between two builds.
t0=$(ferry_ticks)
out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "http://$LISTEN/restapis/$api/bench/_user_request_/svc/items/1" &
  sleep 2; ss -tan state established "( dport = :${BACKEND##*:} )" | tail -n +2 | wc -l >"$DATA/conns"; wait)
t1=$(ferry_ticks)
viaferry=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
n=$(awk '/requests in/ {print $1}' <<<"$out")
echo "== load: wrk -t$THREADS -c$CONNS -d${DURATION}s on loopback (ferry and the servers share the machine's cores)"
printf '%-36s %12s req/s\n' "backend directly" "$direct" "through ferry HTTP_PROXY" "$viaferry"
if [ "${n:-0}" -gt 0 ]; then
  printf '%-36s %12s us of ferry CPU per request\n' "through ferry HTTP_PROXY" "$(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / n ))"
fi
# With keep-alive working, ferry holds about one backend connection per client connection.
printf '%-36s %12s (wrk holds %s)\n' "ferry -> backend connections" "$(cat "$DATA/conns")" "$CONNS"

if [ -n "${LOCAL_AWS:-}" ]; then
  topic=arn:aws:sns:us-east-1:123456789012:bench-topic
  sns=$(./bin/ferry import examples/sns-publish.json --var "TopicArn=$topic" --region us-east-1 --account-id 123456789012)
  ./bin/ferry deploy "$sns" --stage bench >/dev/null
  lua=$(mktemp -t ferry-bench.XXXXXX.lua)
  printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "'{\"order\": 42, \"note\": \"bench\"}'" >"$lua"
  url="http://$LISTEN/restapis/$sns/bench/_user_request_/test?Message=m&TopicArn=$topic"
  curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "$url" >/dev/null
  publish=$(rps -s "$lua" "$url")
  rm -f "$lua"
  printf '%-36s %12s req/s\n' "seed SNS publish through ferry (goaws)" "$publish"
fi
