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
# Prints the counts; in CI a skipped test fails the run (every test must run there), naming it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest.json", "utf8"));
  const skipped = r.testResults.flatMap((f) =>
    f.assertionResults
      .filter((t) => ["skipped", "pending", "todo", "disabled"].includes(t.status))
      .map((t) => `${f.name.replace(process.cwd() + "/", "")}: ${t.fullName}`),
  );
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped.length} skipped`);
  if (skipped.length > 0 && process.env.CI) {
    console.log(`skipped in CI (a prerequisite is missing?):\n  ${skipped.join("\n  ")}`);
    process.exit(1);
  }
' || status=1
exit $status
