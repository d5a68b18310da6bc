#!/usr/bin/env bash
# Stops the servers scripts/start-local-aws.sh started, by the process groups
# recorded in its state file, and removes the state file. Data under
# $FERRY_LOCAL_AWS_DIR stays; delete the directory to start clean.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${FERRY_TOOLS_DIR:-$PWD/.tools}
DIR=${FERRY_LOCAL_AWS_DIR:-$TOOLS/local-aws}
STATE=$DIR/state.env
if [ ! -f "$STATE" ]; then
  echo "stop-local-aws: nothing to stop (no $STATE)"
  exit 0
fi
# shellcheck disable=SC1090
. "$STATE"
for name in MINIO GOAWS KINESALITE DYNALITE; do
  var=${name}_PID
  pid=${!var:-}
  [ -n "$pid" ] || continue
  # Each server leads its own process group (setsid): end the group.
  kill -TERM -- "-$pid" 2>/dev/null || true
done
for name in MINIO GOAWS KINESALITE DYNALITE; do
  var=${name}_PID
  pid=${!var:-}
  [ -n "$pid" ] || continue
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop-local-aws: ${name,,} ($pid) ignored SIGTERM, killing it"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
done
rm -f "$STATE"
echo "stop-local-aws: stopped"
