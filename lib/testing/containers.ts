/**
 * The workload containers of a test run: one in-memory Pebble per container of the State,
 * seeded from it before the hook and read back into the State after.
 */
import type { Layer } from "../pebble/layer.js";
import type { Pebble } from "../pebble/types.js";
import { InMemoryPebble } from "./pebble/index.js";
import type { ContainerState } from "./state.js";

/** A container's Pebble plus what the test needs to read back. */
interface Entry {
  spec: ContainerState;
  pebble: InMemoryPebble;
  /** Settles when the Pebble holds what the State says. */
  ready: Promise<void>;
}

/** Builds the in-memory Pebbles of a run and snapshots them afterwards. */
export class TestContainers {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly specs: readonly ContainerState[],
    private readonly execHistory: string[][],
  ) {}

  private static async seed(spec: ContainerState, pebble: InMemoryPebble): Promise<void> {
    for (const [label, layer] of Object.entries(spec.layers)) {
      await pebble.addLayer(label, layer as Layer, { combine: true });
    }
    const running = Object.entries(spec.serviceStatuses)
      .filter(([, s]) => s === "active")
      .map(([n]) => n);
    if (running.length) await pebble.startServices(running);
    for (const [path, text] of Object.entries(spec.files))
      await pebble.push(path, text, { makeDirs: true });
    for (const e of spec.execs) {
      pebble.handleExec(e.commandPrefix, {
        exitCode: e.returnCode,
        stdout: e.stdout,
        stderr: e.stderr,
      });
    }
    for (const [name, status] of Object.entries(spec.checks)) pebble.setCheckStatus(name, status);
    pebble.setConnected(spec.canConnect);
  }

  /** The Pebble of a container, created (and seeded from the State) on first use. */
  pebble(name: string): Pebble {
    const spec = this.specs.find((c) => c.name === name);
    if (!spec) {
      throw new Error(
        `container "${name}" is not in the test State: add container({ name: "${name}" }) to it`,
      );
    }
    let entry = this.entries.get(name);
    if (!entry) {
      const pebble = new InMemoryPebble({ socketPath: `/charm/containers/${name}/pebble.socket` });
      entry = { spec, pebble, ready: TestContainers.seed(spec, pebble) };
      this.entries.set(name, entry);
    }
    return this.recorder(entry);
  }

  /** The charm's view of a Pebble: each call waits for the seed; commands run are recorded. */
  private recorder(entry: Entry): Pebble {
    const history = this.execHistory;
    const target = entry.pebble as unknown as Record<string, (...a: unknown[]) => unknown>;
    return new Proxy({} as Pebble, {
      get: (_t, prop: string) => {
        const fn = target[prop];
        if (typeof fn !== "function") return undefined;
        return async (...args: unknown[]) => {
          await entry.ready;
          if (prop === "exec" || prop === "spawn") history.push([...(args[0] as string[])]);
          return fn.apply(entry.pebble, args);
        };
      },
    });
  }

  /** The containers after the hook. */
  async snapshot(): Promise<ContainerState[]> {
    const out: ContainerState[] = [];
    for (const spec of this.specs) {
      const entry = this.entries.get(spec.name);
      if (!entry) {
        out.push(spec);
        continue;
      }
      await entry.ready;
      const p = entry.pebble;
      p.setConnected(true);
      const services = await p.getServices();
      const files: Record<string, string> = {};
      const walk = async (dir: string): Promise<void> => {
        for (const f of await p.listFiles(dir)) {
          if (f.type === "directory") await walk(f.path);
          else if (f.type === "file") files[f.path] = await p.pullText(f.path);
        }
      };
      await walk("/");
      p.setConnected(spec.canConnect);
      out.push({
        ...spec,
        // The layers as Pebble holds them: a combined layer is the merge, not the last one sent.
        layers: Object.fromEntries(p.layerList().map((l) => [l.label, l.layer])),
        serviceStatuses: Object.fromEntries(services.map((s) => [s.name, s.current])),
        files,
      });
    }
    return out;
  }
}
