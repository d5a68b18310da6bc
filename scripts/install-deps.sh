#!/usr/bin/env bash
# Installs what the tests need and is not part of the Go module: Debian
# packages and the real servers the integration tests start. Idempotent:
# what is already there is not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${FERRY_TOOLS_DIR:-$PWD/.tools}
mkdir -p "$TOOLS/bin"

need_apt=()
[ -f /usr/share/java/velocity.jar ] || need_apt+=(velocity)
command -v javac >/dev/null || need_apt+=(openjdk-17-jdk-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The AWS-compatible servers the integration tests start (internal/testenv).
# Versions are pinned here, in tools/go.mod and in tools/npm/package-lock.json;
# a server whose pinned version is already installed is left alone.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
stamp_ok() { [ -x "$1" ] && [ -f "$1.version" ] && [ "$(cat "$1.version")" = "$2" ]; }

if ! stamp_ok "$TOOLS/bin/minio" "$MINIO_VERSION"; then
  echo "install-deps: go install minio@$MINIO_VERSION (a few minutes)"
  GOBIN="$TOOLS/bin" go install "github.com/minio/minio@$MINIO_VERSION"
  echo "$MINIO_VERSION" >"$TOOLS/bin/minio.version"
fi

goaws_version=$(cd tools && go list -m -f '{{.Version}}' github.com/Admiral-Piett/goaws)
if ! stamp_ok "$TOOLS/bin/goaws" "$goaws_version"; then
  echo "install-deps: build goaws $goaws_version from tools/go.mod"
  (cd tools && go build -o "$TOOLS/bin/goaws" github.com/Admiral-Piett/goaws/app/cmd)
  echo "$goaws_version" >"$TOOLS/bin/goaws.version"
fi

# npm ci runs in a copy under $TOOLS so node_modules never lands in the work tree;
# the copied lock file doubles as the stamp of what is installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-deps: apt-get install nodejs npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p "$TOOLS/npm"
if [ ! -d "$TOOLS/npm/node_modules" ] || ! cmp -s tools/npm/package-lock.json "$TOOLS/npm/package-lock.json"; then
  echo "install-deps: npm ci (kinesalite, dynalite, serverless, serverless-offline)"
  cp tools/npm/package.json tools/npm/package-lock.json "$TOOLS/npm/"
  (cd "$TOOLS/npm" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: servers ready in $TOOLS"
