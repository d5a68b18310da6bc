#!/usr/bin/env bash
# A 1 GiB object PUT and GET through ferry to a local MinIO and straight to
# MinIO, printing ferry's peak RSS and both throughputs. Too slow for every
# test run (the e2e suite moves 256 MiB by default); run it before a
# release or after touching the streaming path. SIZE overrides the bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
export FERRY_TOOLS_DIR=${FERRY_TOOLS_DIR:-$PWD/.tools}
bash scripts/install-deps.sh >/dev/null
FERRY_S3STREAM_BYTES=${SIZE:-1073741824} go test -count=1 -v -timeout 30m \
  -run '^TestS3StreamLargeObject$' ./test/e2e/ | grep -E '^(---|ok|FAIL|\s+s3stream_test)'
