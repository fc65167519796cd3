/**
 * The project's main job (`bash scripts/demo.sh`): the local Juju model driven as an operator
 * drives Juju, through the `jaas` command (bin/jaas). It bootstraps a local controller, adds a
 * model, deploys the PostgreSQL stand-in and openfga-k8s from their charm folders (built with
 * lib/pack) with their image folders as OCI resources, integrates them and follows the model
 * until every unit is active and idle, shows the status and the database relation (no
 * credential in it: they are in secrets), deploys a small OpenFGA requirer whose action writes
 * and reads a tuple against the real OpenFGA server, scales openfga-k8s to 2, then destroys the
 * model and the controller and checks that no network namespace, process or file is left.
 * Failures and interrupts (Ctrl-C, SIGTERM) tear down too.
 *
 * Needs root (a network namespace per unit), Pebble and the image folders that
 * scripts/setup.sh installs. `JAAS_DEMO_DIR` names the work folder (made if missing; removed at
 * the end); otherwise a temporary one is made.
 *
 * @example
 * ```sh
 * node --import tsx scripts/demo.ts
 * ```
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DaemonRecord } from "../lib/sim/daemon/home.js";
import { homePaths, readDaemonRecord } from "../lib/sim/daemon/home.js";
import { killController } from "../lib/sim/daemon/lifecycle.js";
import { listNamespaces } from "../lib/sim/network/ip.js";
import { pidsWithMarker } from "../lib/sim/workload/procs.js";
import { elapsed, followConvergence, heading, JaasShell, note } from "./demo/jaas.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MODEL = "jaas";
const CONTROLLER = "local";
const CONVERGE_MS = 240_000;
const PEBBLE = join(ROOT, ".cache", "bin", "pebble");
const OPENFGA_IMAGE = ".cache/images/openfga";
const POSTGRESQL_IMAGE = ".cache/images/postgresql";

function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root (a network namespace per unit)");
  if (!existsSync(PEBBLE)) missing.push(`Pebble at ${PEBBLE}`);
  if (!existsSync(join(ROOT, OPENFGA_IMAGE, "openfga")))
    missing.push(`the OpenFGA image folder ${OPENFGA_IMAGE}`);
  if (!existsSync(join(ROOT, POSTGRESQL_IMAGE, "postgresql", "bin", "postgres")))
    missing.push(`the PostgreSQL image folder ${POSTGRESQL_IMAGE}`);
  return missing;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const missing = missingPrerequisites();
if (missing.length > 0) {
  process.stderr.write(
    `The local Juju model needs ${missing.join(", ")}.\n` +
      "Run `bash scripts/setup.sh` as root, or `bash scripts/demo.sh --harness` for the in-process walk-through.\n",
  );
  process.exit(1);
}

const given = process.env.JAAS_DEMO_DIR;
const work =
  given !== undefined && given !== "" ? resolve(given) : mkdtempSync(join(tmpdir(), "jaas-demo-"));
mkdirSync(work, { recursive: true });
const home = join(work, "home");
const env: NodeJS.ProcessEnv = { ...process.env, JAAS_HOME: home };
delete env.JAAS_CHARM_PATH;
const jaas = new JaasShell({ root: ROOT, env });
const abort = new AbortController();
let tearingDown = false;

function onSignal(signal: NodeJS.Signals): void {
  if (tearingDown) {
    process.stdout.write(`\n# ${signal}: still tearing down, please wait\n`);
    return;
  }
  process.stdout.write(`\n# ${signal}: stopping, then tearing everything down\n`);
  abort.abort(new Error(`interrupted (${signal})`));
  jaas.stop();
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("SIGHUP", onSignal);

/** Runs a step unless the demo was interrupted. */
async function step<T>(body: () => Promise<T>): Promise<T> {
  if (abort.signal.aborted) throw abort.signal.reason as Error;
  return body();
}

async function demo(): Promise<void> {
  heading("Bootstrap a local controller (a background daemon; home: " + home + ")");
  await step(() => jaas.run("bootstrap", CONTROLLER));

  heading("Add a model");
  await step(() => jaas.run("add-model", MODEL));

  heading("Deploy the PostgreSQL stand-in and OpenFGA from their charm folders");
  note(
    "each folder is built with lib/pack (cached in .cache/charms); an image folder is the OCI resource",
  );
  await step(() =>
    jaas.run(
      "deploy",
      "./integration-tests/charms/postgresql-k8s",
      "--resource",
      `postgresql-image=./${POSTGRESQL_IMAGE}`,
    ),
  );
  await step(() =>
    jaas.run("deploy", "./charms/openfga-k8s", "--resource", `oci-image=./${OPENFGA_IMAGE}`),
  );

  heading("Integrate OpenFGA with PostgreSQL");
  await step(() => jaas.run("integrate", "openfga-k8s:database", "postgresql-k8s"));

  heading("Follow the model until every unit is active and idle");
  await step(() =>
    followConvergence(
      jaas,
      { "postgresql-k8s": 1, "openfga-k8s": 1 },
      { timeoutMs: CONVERGE_MS, signal: abort.signal },
    ),
  );

  heading("Status, and the database relation as openfga-k8s/0 sees it");
  await step(() => jaas.run("status", "--relations"));
  const unit = await step(() => jaas.run("show-unit", "openfga-k8s/0", "--endpoint", "database"));
  if (/password/i.test(unit.out) || !/secret-user: secret:\/\//.test(unit.out)) {
    throw new Error("the database relation data should hold a secret-user secret and no password");
  }
  note("no credential in the relation data: the user and password are in the secret that");
  note("secret-user names, granted to openfga-k8s only");

  heading("Deploy an OpenFGA requirer; it writes and reads a tuple against the real OpenFGA");
  await step(() => jaas.run("deploy", "./charms/openfga-k8s/tests/requirer-charm"));
  await step(() => jaas.run("integrate", "openfga-requirer", "openfga-k8s"));
  await step(() =>
    followConvergence(
      jaas,
      { "postgresql-k8s": 1, "openfga-k8s": 1, "openfga-requirer": 1 },
      { timeoutMs: CONVERGE_MS, signal: abort.signal },
    ),
  );
  await step(() => jaas.run("run", "openfga-requirer/0", "write-and-read", "--wait", "2m"));

  heading("Scale openfga-k8s to 2 units");
  await step(() => jaas.run("scale-application", "openfga-k8s", "2"));
  await step(() =>
    followConvergence(
      jaas,
      { "postgresql-k8s": 1, "openfga-k8s": 2, "openfga-requirer": 1 },
      { timeoutMs: CONVERGE_MS, signal: abort.signal },
    ),
  );
  await step(() => jaas.run("status"));
}

/** What the controller left: namespaces of its network, processes, files. */
async function leftovers(record: DaemonRecord | undefined): Promise<string[]> {
  const left: string[] = [];
  if (record?.networkPrefix !== undefined) {
    const namespaces = (await listNamespaces()).filter((n) =>
      n.startsWith(`${record.networkPrefix}-`),
    );
    if (namespaces.length > 0) left.push(`network namespaces ${namespaces.join(", ")}`);
  }
  if (alive(record?.pid)) left.push(`the controller's daemon (pid ${record?.pid})`);
  if (record !== undefined) {
    const pids = await pidsWithMarker(record.workloads);
    if (pids.length > 0) left.push(`workload processes ${pids.join(", ")}`);
    if (existsSync(record.workloads)) left.push(record.workloads);
    if (existsSync(record.socket)) left.push(record.socket);
  }
  if (existsSync(work)) left.push(work);
  return left;
}

async function teardown(ok: boolean): Promise<boolean> {
  tearingDown = true;
  heading(
    ok
      ? "Tear down"
      : abort.signal.aborted
        ? "Tear down (interrupted)"
        : "Tear down (after the failure)",
  );
  const paths = homePaths(home);
  const record = readDaemonRecord(paths);
  const teardownShell = new JaasShell({ root: ROOT, env });
  if (record !== undefined) {
    if (ok) await teardownShell.run({ check: false }, "destroy-model", MODEL, "-y");
    const killed = await teardownShell.run({ check: false }, "kill-controller", CONTROLLER, "-y");
    if (killed.code !== 0) await killController(paths, (l) => note(l)).catch(() => undefined);
  }
  rmSync(work, { recursive: true, force: true });
  const left = await leftovers(record);
  if (left.length > 0) {
    process.stdout.write(`Left behind: ${left.join("; ")}\n`);
    return false;
  }
  process.stdout.write(
    `Nothing left behind: no network namespace (${record?.networkPrefix ?? "none"}-*), no process, no temp dir (${work})\n`,
  );
  return true;
}

let failure: unknown;
try {
  await demo();
} catch (e) {
  failure = e;
}
const interrupted = abort.signal.aborted;
if (failure !== undefined && !interrupted) {
  process.stdout.write(`\nERROR ${failure instanceof Error ? failure.message : String(failure)}\n`);
}
const clean = await teardown(failure === undefined);
if (failure === undefined && clean) {
  process.stdout.write(`\nDemo complete in ${elapsed().slice(1)}.\n`);
}
process.exitCode = interrupted ? 130 : failure !== undefined || !clean ? 1 : 0;
