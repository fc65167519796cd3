#!/usr/bin/env bash
# Installs everything the project needs, idempotently: npm packages, then the real peers
# (Pebble, the hook-tool shim, ...) into .cache/. Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Real peers: each installer skips its work when its pinned build is already cached.
for installer in scripts/install-*.sh; do
  [ -e "$installer" ] || continue
  bash "$installer"
done
