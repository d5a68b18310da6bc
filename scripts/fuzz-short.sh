#!/usr/bin/env bash
# Runs the native fuzz targets of FUZZ_PKGS (package patterns, default ./...)
# for FUZZ_SECONDS (default 5) each, stopping at the first finding.
#
# A real finding is reported by `go test` as "Failing input written to
# testdata/fuzz/...". Go's fuzzer can also stop with "context deadline
# exceeded" when -fuzztime runs out while a worker is busy (a toolchain
# race, not a finding): such a run is tried again, up to three times in all.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-5}
log=$(mktemp -t ferry-fuzz.XXXXXX)
trap 'rm -f "$log"' EXIT
run() { go test -run='^$' -fuzz="^$2\$" -fuzztime="${secs}s" "$1" >"$log" 2>&1; }
for pkg in $(go list ${FUZZ_PKGS:-./...}); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "fuzz: $pkg $fn (${secs}s)"
    ok=
    for attempt in 1 2 3; do
      if run "$pkg" "$fn"; then ok=1; break; fi
      if grep -q "Failing input written" "$log" || ! grep -q "context deadline exceeded" "$log"; then break; fi
      echo "fuzz: $pkg $fn stopped on the fuzzer's deadline race (attempt $attempt); running it again"
    done
    if [ -z "$ok" ]; then cat "$log"; exit 1; fi
  done
done
echo "fuzz: all targets ran clean"
