#!/usr/bin/env bash
# The project's main job: set up, then run the demo charm through its hooks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node --import tsx scripts/demo.ts
