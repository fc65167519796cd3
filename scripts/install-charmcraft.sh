#!/usr/bin/env bash
# Installs charmcraft (pinned) into its own virtual environment, .cache/charmcraft-venv, for the
# test that validates each charm's charmcraft.yaml with charmcraft's own project model
# (charms/openfga-k8s/tests/validate_charmcraft.py). Only its Python package is used: nothing is
# packed with it. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.5.0
VENV=.cache/charmcraft-venv
PY="$VENV/bin/python"

if [ -x "$PY" ] && [ "$("$PY" -c 'from importlib import metadata; print(metadata.version("charmcraft"))' 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
echo "install-charmcraft: charmcraft $VERSION into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "charmcraft==$VERSION"
