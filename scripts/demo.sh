#!/usr/bin/env bash
# The project's main job: set up, then run the local Juju model as an operator runs Juju, through
# the `jaas` command (scripts/demo.ts): bootstrap, add-model, deploy PostgreSQL and OpenFGA,
# integrate, status, an OpenFGA requirer's action, scale-application, then destroy-model and
# kill-controller. Needs root (a network namespace per unit).
#
#   bash scripts/demo.sh             the local model through `jaas`
#   bash scripts/demo.sh --harness   the in-process walk-through of the example charm (lib/testing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ "${1:-}" = "--harness" ]; then
  exec node --import tsx scripts/demo/harness.ts
fi
if [ "$(id -u)" != 0 ]; then
  echo "The local Juju model needs root (a network namespace per unit): run as root," >&2
  echo "or 'bash scripts/demo.sh --harness' for the in-process walk-through." >&2
  exit 1
fi

# demo.ts tears down on failure and on Ctrl-C itself; this trap is the backstop when it could
# not (killed): it kills the controller of the demo's home and removes its work folder.
work=$(mktemp -d "${TMPDIR:-/tmp}/jaas-demo-XXXXXX")
cleanup() {
  if [ -f "$work/home/daemon.json" ]; then
    JAAS_HOME="$work/home" bin/jaas kill-controller -y >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
JAAS_DEMO_DIR="$work" node --import tsx scripts/demo.ts
