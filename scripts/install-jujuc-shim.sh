#!/usr/bin/env bash
# Builds the hook-tool shim (lib/jujuc/shim, Go standard library only) into
# .cache/bin/jujuc-shim, idempotently: it rebuilds only when the shim's source changed, which a
# hash stamp next to the binary records.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC_DIR="lib/jujuc/shim"
BIN_DIR="$(pwd)/.cache/bin"
BIN="$BIN_DIR/jujuc-shim"
STAMP="$BIN.sha256"

hash="$(cd "$SRC_DIR" && cat go.mod $(ls *.go | grep -v '_test.go$' | sort) | sha256sum | cut -d' ' -f1)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ]; then
  echo "jujuc-shim up to date"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-jujuc-shim: the Go toolchain is required (go build)" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
echo "building jujuc-shim into $BIN"
tmp="$BIN.tmp.$$"
(cd "$SRC_DIR" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -trimpath -ldflags="-s -w" -o "$tmp" .)
mv -f "$tmp" "$BIN"
echo "$hash" > "$STAMP"
