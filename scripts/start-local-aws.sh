#!/usr/bin/env bash
# Starts the local AWS-compatible servers in the background on fixed loopback
# ports (MinIO for S3 and STS, goaws for SNS and SQS, kinesalite, dynalite),
# records their pids and endpoints in $FERRY_LOCAL_AWS_DIR/state.env, and prints
# the shell exports that point the AWS SDKs (and ferry) at them:
#
#   eval "$(bash scripts/start-local-aws.sh)"
#
# Logs go to stderr and to $FERRY_LOCAL_AWS_DIR/*.log. Running it again while the
# servers are up only prints the exports. scripts/stop-local-aws.sh stops them.
#
# Settings (environment, with defaults):
#   FERRY_TOOLS_DIR      <repo>/.tools      where scripts/install-deps.sh installed the servers
#   FERRY_LOCAL_AWS_DIR  $FERRY_TOOLS_DIR/local-aws   state, data and logs
#   MINIO_PORT 9000, MINIO_CONSOLE_PORT 9001, GOAWS_PORT 4100,
#   KINESALITE_PORT 4567, DYNALITE_PORT 4568
#   MINIO_ROOT_USER ferrylocal, MINIO_ROOT_PASSWORD ferrylocal-secret
#   LOCAL_AWS_REGION us-east-1, LOCAL_AWS_ACCOUNT 123456789012
#   GOAWS_QUEUES "ferry-queue", GOAWS_TOPICS "ferry-topic"  (space separated;
#     every topic gets a raw-delivery subscription to the first queue)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
TOOLS=${FERRY_TOOLS_DIR:-$REPO/.tools}
DIR=${FERRY_LOCAL_AWS_DIR:-$TOOLS/local-aws}
STATE=$DIR/state.env
MINIO_PORT=${MINIO_PORT:-9000}
MINIO_CONSOLE_PORT=${MINIO_CONSOLE_PORT:-9001}
GOAWS_PORT=${GOAWS_PORT:-4100}
KINESALITE_PORT=${KINESALITE_PORT:-4567}
DYNALITE_PORT=${DYNALITE_PORT:-4568}
MINIO_ROOT_USER=${MINIO_ROOT_USER:-ferrylocal}
MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-ferrylocal-secret}
REGION=${LOCAL_AWS_REGION:-us-east-1}
ACCOUNT=${LOCAL_AWS_ACCOUNT:-123456789012}
GOAWS_QUEUES=${GOAWS_QUEUES:-ferry-queue}
GOAWS_TOPICS=${GOAWS_TOPICS:-ferry-topic}

say() { echo "start-local-aws: $*" >&2; }
die() { say "$*"; exit 1; }

print_exports() {
  # shellcheck disable=SC1090
  . "$STATE"
  cat <<EXPORTS
export AWS_REGION=$REGION
export AWS_ACCESS_KEY_ID=$MINIO_ROOT_USER
export AWS_SECRET_ACCESS_KEY=$MINIO_ROOT_PASSWORD
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
export AWS_ENDPOINT_URL_STS=$S3_ENDPOINT
export AWS_ENDPOINT_URL_SNS=$GOAWS_ENDPOINT
export AWS_ENDPOINT_URL_SQS=$GOAWS_ENDPOINT
export AWS_ENDPOINT_URL_KINESIS=$KINESIS_ENDPOINT
export AWS_ENDPOINT_URL_DYNAMODB=$DYNAMODB_ENDPOINT
EXPORTS
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

if [ -f "$STATE" ]; then
  # shellcheck disable=SC1090
  . "$STATE"
  if alive "${MINIO_PID:-}" && alive "${GOAWS_PID:-}" && alive "${KINESALITE_PID:-}" && alive "${DYNALITE_PID:-}"; then
    say "already running (state in $STATE)"
    print_exports
    exit 0
  fi
  say "stale state in $STATE: stopping what is left of it"
  bash "$REPO/scripts/stop-local-aws.sh" >&2
fi

MINIO=$TOOLS/bin/minio
GOAWS=$TOOLS/bin/goaws
NPM_ROOT=$TOOLS/npm
[ -d "$NPM_ROOT/node_modules/kinesalite" ] || NPM_ROOT=$REPO/tools/npm
[ -x "$MINIO" ] && [ -x "$GOAWS" ] && [ -d "$NPM_ROOT/node_modules/kinesalite" ] && [ -d "$NPM_ROOT/node_modules/dynalite" ] ||
  die "servers missing under $TOOLS: run make deps (scripts/install-deps.sh)"
command -v node >/dev/null || die "node is missing: run make deps (scripts/install-deps.sh)"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$MINIO_PORT" "$MINIO_CONSOLE_PORT" "$GOAWS_PORT" "$KINESALITE_PORT" "$DYNALITE_PORT"; do
  port_free "$p" || die "port $p on 127.0.0.1 is taken; choose another with the *_PORT variables"
done

mkdir -p "$DIR/minio-data" "$DIR/minio-home"

# goaws's config: its own YAML shape, one environment named Local. It always
# binds 0.0.0.0 (the config has no listen address); everything here uses 127.0.0.1.
{
  echo "Local:"
  echo "  Host: 127.0.0.1"
  echo "  Port: \"$GOAWS_PORT\""
  echo "  Region: $REGION"
  echo "  AccountId: \"$ACCOUNT\""
  echo "  Queues:"
  for q in $GOAWS_QUEUES; do echo "    - Name: $q"; done
  echo "  Topics:"
  first_queue=${GOAWS_QUEUES%% *}
  for t in $GOAWS_TOPICS; do
    echo "    - Name: $t"
    echo "      Subscriptions:"
    echo "        - QueueName: $first_queue"
    echo "          Raw: true"
  done
} >"$DIR/goaws.yaml"

# Each server leads its own session (setsid), so stop-local-aws.sh can end the
# whole process group.
start() { # name, then the command
  local name=$1; shift
  setsid "$@" >"$DIR/$name.log" 2>&1 < /dev/null &
  echo $!
}

MINIO_PID=$(MINIO_ROOT_USER=$MINIO_ROOT_USER MINIO_ROOT_PASSWORD=$MINIO_ROOT_PASSWORD MINIO_BROWSER=off \
  MINIO_UPDATE=off MINIO_REGION=$REGION HOME=$DIR/minio-home \
  start minio "$MINIO" server --quiet --address "127.0.0.1:$MINIO_PORT" \
  --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" "$DIR/minio-data")
GOAWS_PID=$(cd "$DIR" && start goaws "$GOAWS" -config "$DIR/goaws.yaml" Local)
KINESALITE_PID=$(cd "$NPM_ROOT" && start kinesalite node -e \
  "require('kinesalite')({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0}).listen($KINESALITE_PORT, '127.0.0.1')")
DYNALITE_PID=$(cd "$NPM_ROOT" && start dynalite node -e \
  "require('dynalite')({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0}).listen($DYNALITE_PORT, '127.0.0.1')")

cat >"$STATE" <<STATEFILE
MINIO_PID=$MINIO_PID
GOAWS_PID=$GOAWS_PID
KINESALITE_PID=$KINESALITE_PID
DYNALITE_PID=$DYNALITE_PID
S3_ENDPOINT=http://127.0.0.1:$MINIO_PORT
GOAWS_ENDPOINT=http://127.0.0.1:$GOAWS_PORT
KINESIS_ENDPOINT=http://127.0.0.1:$KINESALITE_PORT
DYNAMODB_ENDPOINT=http://127.0.0.1:$DYNALITE_PORT
REGION=$REGION
ACCOUNT=$ACCOUNT
MINIO_ROOT_USER=$MINIO_ROOT_USER
MINIO_ROOT_PASSWORD=$MINIO_ROOT_PASSWORD
STATEFILE
chmod 600 "$STATE"

wait_port() { # name, pid, port
  local i
  for i in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null && return 0
    alive "$2" || { cat "$DIR/$1.log" >&2; die "$1 exited before it listened on $3 (log above)"; }
    sleep 0.1
  done
  cat "$DIR/$1.log" >&2
  die "$1 did not listen on 127.0.0.1:$3 within 30s (log above)"
}
wait_port minio "$MINIO_PID" "$MINIO_PORT"
wait_port goaws "$GOAWS_PID" "$GOAWS_PORT"
wait_port kinesalite "$KINESALITE_PID" "$KINESALITE_PORT"
wait_port dynalite "$DYNALITE_PID" "$DYNALITE_PORT"
say "MinIO (S3, STS) on :$MINIO_PORT, goaws (SNS, SQS) on :$GOAWS_PORT, kinesalite on :$KINESALITE_PORT, dynalite on :$DYNALITE_PORT; state in $STATE"
print_exports
