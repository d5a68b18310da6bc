#!/usr/bin/env bash
# `make run`: starts the local AWS-compatible servers (installed by
# scripts/install-deps.sh when missing), ferry on the embedded store with
# AWS_ENDPOINT_URL_* pointing at them, and the small backend the HTTP_PROXY
# example calls; imports and deploys every API in examples/ and prints curl
# commands that work. Ctrl-C stops everything. Pointed at real AWS (no
# AWS_ENDPOINT_URL_*, real credentials), the same examples work unchanged.
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
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/stop-local-aws.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

ACCOUNT=123456789012
REGION=us-east-1
export GOAWS_QUEUES="ferry-queue jobs" GOAWS_TOPICS="ferry-topic"
eval "$(bash scripts/start-local-aws.sh)"
go run ./examples/localsetup

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
TOPIC=arn:aws:sns:$REGION:$ACCOUNT:ferry-topic
sns=$("$FERRY" import examples/sns-publish.json --var "TopicArn=$TOPIC" --region "$REGION" --account-id "$ACCOUNT")
"$FERRY" deploy "$sns" --stage dev >/dev/null
aws=()
for ex in list-topics sqs-send kinesis-put dynamodb-notes s3-files; do
  id=$("$FERRY" import "examples/$ex.yaml")
  "$FERRY" deploy "$id" --stage demo >/dev/null
  aws+=("$id")
done
u() { echo "http://$LISTEN/restapis/$1/$2/_user_request_$3"; }

cat <<TXT

ferry is serving (data in $DATA; admin token in FERRY_ADMIN_TOKEN=$FERRY_ADMIN_TOKEN).
Try:
  curl -s 'http://$LISTEN/restapis/$mock/demo/_user_request_/hello?name=ferry'
  curl -s -H 'Host: $mock.execute-api.localhost' 'http://$LISTEN/demo/teapot' -i
  curl -s -X POST -d '{"order":42}' 'http://$LISTEN/restapis/$proxy/demo/_user_request_/svc/orders/42?x=1'
  curl -s 'http://$LISTEN/restapis/$mock/demo/_user_request_/nowhere'      # 403 Missing Authentication Token
  FERRY_ADMIN_URL=$FERRY_ADMIN_URL FERRY_ADMIN_TOKEN=$FERRY_ADMIN_TOKEN $FERRY test-invoke $mock GET /hello --query name=you

AWS integrations (local servers: $AWS_ENDPOINT_URL_SNS for SNS/SQS, $AWS_ENDPOINT_URL_S3 for S3/STS):
  curl -s -X POST -H 'Content-Type: application/json' -d '{"hello":"sns"}' '$(u "$sns" dev "/test?Message=m&TopicArn=$TOPIC")'
  curl -s '$AWS_ENDPOINT_URL_SQS/$ACCOUNT/ferry-queue?Action=ReceiveMessage'     # the queue subscribed to the topic
  curl -s '$(u "${aws[0]}" demo /mydemoawsproxy)'
  curl -s -X POST -H 'Content-Type: application/json' -d '{"job":"resize"}' '$(u "${aws[1]}" demo /jobs)'
  curl -s -X PUT -H 'Content-Type: application/json' -d '{"click":"buy"}' '$(u "${aws[2]}" demo /streams/clicks/records)'
  curl -s -X PUT -H 'Content-Type: application/json' -d '{"text":"remember the milk"}' '$(u "${aws[3]}" demo /notes/n1)'
  curl -s '$(u "${aws[3]}" demo /notes/n1)'
  curl -s -X PUT -H 'Content-Type: text/plain' --data-binary 'hello S3' '$(u "${aws[4]}" demo /files/ferry-files/hello.txt)'
  curl -s '$(u "${aws[4]}" demo /files/ferry-files/hello.txt)'

Ctrl-C stops ferry and the example backend.
TXT
wait "${pids[1]}"
