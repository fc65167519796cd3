// The README's main job end to end: scripts/demo.ts drives bin/jaas through bootstrap,
// add-model, deploy (PostgreSQL stand-in, openfga-k8s from their folders, image folders as
// resources), integrate, convergence, status, show-unit, an OpenFGA requirer's write-and-read
// action against the real OpenFGA, scale-application to 2, destroy-model and kill-controller.
// Asserts on its transcript, and that it left no network namespace of its controller and no
// file in its temporary folder. Needs root, Pebble and the image folders of scripts/setup.sh.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { listNamespaces } from "../sim/network/ip.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ready =
  process.getuid?.() === 0 &&
  existsSync(join(ROOT, ".cache", "bin", "pebble")) &&
  existsSync(join(ROOT, ".cache", "images", "openfga", "openfga")) &&
  existsSync(join(ROOT, ".cache", "images", "postgresql", "postgresql", "bin", "postgres"));

describe.skipIf(!ready)("the demo (scripts/demo.ts) through jaas", () => {
  const tmp = mkdtempSync(join(tmpdir(), "jaas-demo-test-"));

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("deploys, integrates, converges, writes a tuple, scales to 2 and leaves nothing behind", async () => {
    const seen = new Set<string>();
    let running = true;
    const watching = (async () => {
      while (running) {
        for (const ns of await listNamespaces().catch(() => [])) seen.add(ns);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp, JAAS_DEMO_DIR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    // A hung demo gets SIGTERM, which it answers by tearing down.
    const timer = setTimeout(() => child.kill("SIGTERM"), 420_000);
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    clearTimeout(timer);
    running = false;
    await watching;

    expect(code, out).toBe(0);
    const headings = [...out.matchAll(/^==> (.+?) {2}\(\+\d+s\)$/gm)].map((m) => m[1]);
    expect(headings.map((h) => h?.split(" ").slice(0, 2).join(" "))).toEqual([
      "Bootstrap a",
      "Add a",
      "Deploy the",
      "Integrate OpenFGA",
      "Follow the",
      "Status, and",
      "Deploy an",
      "Scale openfga-k8s",
      "Tear down",
    ]);
    expect(out).toContain('Bootstrap complete, controller "local" is now available');
    expect(out).toMatch(/^openfga-k8s\/0\* +active +idle +10\.\d+\.\d+\.\d+ +2112\/tcp/m);
    expect(out).toMatch(/^postgresql-k8s\/0\* +active +idle +\S+ +5432\/tcp +Primary$/m);
    expect(out).toMatch(/^postgresql-k8s:database +openfga-k8s:database +postgresql_client/m);
    // The database relation: secrets named, no credential shown.
    expect(out).toMatch(/^ +secret-user: secret:\/\//m);
    expect(out).not.toMatch(/password:/i);
    // The requirer's tuple, read back from the real OpenFGA.
    expect(out).toMatch(/^openfga-requirer\/0\* +active +idle .*running with store [0-9A-Z]{26}$/m);
    expect(out).toMatch(/^tuples-read: "1"\ntuple-user: user:anne\nallowed: "true"$/m);
    // Scaled to 2, both active.
    expect(out).toContain("openfga-k8s scaled to 2 units");
    expect(out).toMatch(/^openfga-k8s +1\.22\.1 +active +2 /m);
    expect(out).toMatch(/^openfga-k8s\/1 +active +idle /m);
    // Torn down: nothing left of the controller's network, nothing in the temporary folder.
    expect(out).toContain("Model destroyed.");
    expect(out).toContain('Controller "local" destroyed');
    const prefix = /^Nothing left behind: no network namespace \((jsim[a-z0-9]+)-\*\)/m.exec(
      out,
    )?.[1];
    expect(prefix, out).toBeDefined();
    expect([...seen].filter((n) => n.startsWith(`${prefix}-`)).length).toBeGreaterThanOrEqual(3);
    expect((await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
    // (tsx-<uid> is tsx's compile cache, not the demo's.)
    expect(readdirSync(tmp).filter((f) => !f.startsWith("tsx-"))).toEqual([]);
    expect(out).toMatch(/^Demo complete in \d+s\.$/m);
  }, 480_000);
});
