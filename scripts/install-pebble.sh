#!/usr/bin/env bash
# Installs the pinned Pebble daemon into .cache/bin/pebble, idempotently: skips the build when
# .cache/bin/pebble already reports the pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

PEBBLE_MODULE="github.com/canonical/pebble"
PEBBLE_VERSION="v1.26.0"
BIN_DIR="$(pwd)/.cache/bin"
PEBBLE_BIN="$BIN_DIR/pebble"

if [ -x "$PEBBLE_BIN" ] && [ "$("$PEBBLE_BIN" version --client 2>/dev/null || true)" = "$PEBBLE_VERSION" ]; then
  echo "pebble $PEBBLE_VERSION already installed"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-pebble: the Go toolchain is required (go install)" >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
echo "installing pebble $PEBBLE_VERSION into $BIN_DIR"
if ! GOBIN="$BIN_DIR" go install "$PEBBLE_MODULE/cmd/pebble@$PEBBLE_VERSION"; then
  # `go install pkg@version` also asks the proxy for the module's version list (to report
  # deprecations); where only the pinned version is served, that lookup fails. Building from a
  # throw-away module that requires the pinned version needs no version list.
  echo "install-pebble: retrying through a temporary module that pins $PEBBLE_VERSION"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  printf 'module pebbleinstall\n\ngo 1.22\n\nrequire %s %s\n' "$PEBBLE_MODULE" "$PEBBLE_VERSION" >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/cmd/pebble"\n' "$PEBBLE_MODULE" >"$work/tools.go"
  (cd "$work" && GOFLAGS=-mod=mod GOBIN="$BIN_DIR" go install "$PEBBLE_MODULE/cmd/pebble")
fi
"$PEBBLE_BIN" version --client
