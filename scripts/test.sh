#!/usr/bin/env bash
# The whole test suite: set-up, type check, lint, format check, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== type check"; npx tsc --noEmit -p tsconfig.json
echo "== lint"; npx eslint .
echo "== format"; npx prettier --check --log-level warn .; echo "formatted"
echo "== tests"
mkdir -p .cache
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.cache/vitest.json || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit $status
