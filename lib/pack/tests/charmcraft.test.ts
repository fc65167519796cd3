// Every charm this repository ships or deploys in the local model has a charmcraft.yaml that
// charmcraft's own project model accepts (charmcraft 4.5.0, installed by
// scripts/install-charmcraft.sh): the checks `charmcraft pack` runs before it builds.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const CHARMCRAFT_PYTHON = ".cache/charmcraft-venv/bin/python";
const CHARMS = [
  "charms/openfga-k8s",
  "examples/demo",
  "integration-tests/charms/postgresql-k8s",
  "integration-tests/charms/self-signed-certificates",
];

describe("charmcraft.yaml", () => {
  for (const dir of CHARMS) {
    it(`${dir} is valid for charmcraft`, () => {
      const r = spawnSync(CHARMCRAFT_PYTHON, ["lib/pack/tests/validate_charmcraft.py", dir], {
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^valid: /);
    });
  }

  it("refuses what charmcraft refuses (a title over 40 characters)", () => {
    const r = spawnSync(
      CHARMCRAFT_PYTHON,
      ["lib/pack/tests/validate_charmcraft.py", "lib/pack/tests/fixtures/charmcraft-invalid"],
      { encoding: "utf8" },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/title\s+String should have at most 40 characters/);
  });
});
