#!/usr/bin/env bash
# Installs the OpenFGA "image" of the local model into .cache/images/openfga/: a folder of
# executables that the local model merges over /usr/local/bin in the openfga container, as the
# OCI image's files would be. It holds the pinned OpenFGA server (`openfga`) and the gRPC health
# probe its Pebble check runs (`grpc_health_probe`), both built with `go install` through the Go
# module proxy. Idempotent: each build is skipped when the folder already has the pinned version.
#
# Build time measured on this project's machines (2 cores, cold Go module and build caches, other
# work running): 34 minutes for OpenFGA (2024 s), 2 minutes for the probe (136 s); seconds when
# the Go build cache is warm. `go install` leaves OpenFGA's version as "dev": the build stamps
# the pinned version in (as OpenFGA's releases do), since the charm reads it with
# `openfga version` to track schema migrations.
set -euo pipefail
cd "$(dirname "$0")/.."

OPENFGA_MODULE="github.com/openfga/openfga"
OPENFGA_VERSION="v1.22.1"
PROBE_MODULE="github.com/grpc-ecosystem/grpc-health-probe"
PROBE_VERSION="v0.4.62"
IMAGE_DIR="$(pwd)/.cache/images/openfga"
STAMP_DIR="$IMAGE_DIR/.versions"

if ! command -v go >/dev/null 2>&1; then
  echo "install-openfga: the Go toolchain is required (go install)" >&2
  exit 1
fi
mkdir -p "$IMAGE_DIR" "$STAMP_DIR"

# go_install <module> <package path under the module> <version> <binary name> [ldflags]
# Builds into a private GOBIN, then moves the binary into the image, so a failed or interrupted
# build never leaves a half-written executable there.
go_install() {
  local module="$1" pkg="$2" version="$3" name="$4" ldflags="${5:-}"
  local stamp="$STAMP_DIR/$name" want="$version $ldflags"
  if [ -x "$IMAGE_DIR/$name" ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
    echo "$name $version already installed"
    return 0
  fi
  local gobin
  gobin="$(mktemp -d)"
  echo "installing $name $version into $IMAGE_DIR"
  local start=$SECONDS
  if ! GOBIN="$gobin" go install -ldflags="$ldflags" "$module$pkg@$version"; then
    # Where the proxy serves only some versions, `go install pkg@version` can fail on its version
    # list lookup; a throw-away module that requires the pinned version needs no list.
    echo "install-openfga: retrying $name through a temporary module that pins $version"
    local work
    work="$(mktemp -d)"
    printf 'module imageinstall\n\ngo 1.22\n\nrequire %s %s\n' "$module" "$version" >"$work/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s%s"\n' "$module" "$pkg" >"$work/tools.go"
    (cd "$work" && GOFLAGS=-mod=mod GOBIN="$gobin" go install -ldflags="$ldflags" "$module$pkg")
    rm -rf "$work"
  fi
  mv -f "$gobin/$(basename "${pkg:-$module}")" "$IMAGE_DIR/$name"
  rm -rf "$gobin"
  echo "$want" >"$stamp"
  echo "$name $version built in $((SECONDS - start)) s"
}

go_install "$OPENFGA_MODULE" "/cmd/openfga" "$OPENFGA_VERSION" openfga \
  "-X $OPENFGA_MODULE/internal/build.Version=$OPENFGA_VERSION"
go_install "$PROBE_MODULE" "" "$PROBE_VERSION" grpc_health_probe
"$IMAGE_DIR/openfga" version 2>&1 | head -n 1
