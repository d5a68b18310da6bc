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
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
