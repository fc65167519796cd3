#!/usr/bin/env bash
# Builds the local model's exec helper (lib/sim/exec-helper, Go standard library only, static)
# into .cache/bin/jaas-sim-exec, idempotently: it rebuilds only when the helper's source changed,
# which a hash stamp next to the binary records.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC_DIR="lib/sim/exec-helper"
BIN_DIR="$(pwd)/.cache/bin"
BIN="$BIN_DIR/jaas-sim-exec"
STAMP="$BIN.sha256"

hash="$(cd "$SRC_DIR" && cat go.mod $(ls *.go | grep -v '_test.go$' | sort) | sha256sum | cut -d' ' -f1)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ]; then
  echo "jaas-sim-exec up to date"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-sim-exec: the Go toolchain is required (go build)" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
echo "building jaas-sim-exec into $BIN"
tmp="$BIN.tmp.$$"
trap 'rm -f "$tmp"' EXIT
(cd "$SRC_DIR" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -trimpath -ldflags="-s -w" -o "$tmp" .)
mv -f "$tmp" "$BIN"
echo "$hash" > "$STAMP"
