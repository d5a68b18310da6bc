#!/usr/bin/env bash
# Runs every native fuzz target for a few seconds: a smoke test, not a campaign.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-5}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz: $pkg $fn (${secs}s)"
    go test -run='^$' -fuzz="^${fn}\$" -fuzztime="${secs}s" "$pkg" >/tmp/ferry-fuzz.log 2>&1 || { cat /tmp/ferry-fuzz.log; exit 1; }
  done
done
echo "fuzz: all targets ran clean"
