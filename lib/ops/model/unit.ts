/**
 * This unit and this application: status, leadership, secrets they own, ports, workload
 * version, containers.
 *
 * @example
 * ```ts
 * if (this.unit.isLeader()) this.app.status = new ActiveStatus();
 * this.unit.status = new WaitingStatus("waiting for the database");
 * ```
 */
import { ModelError, PermissionDeniedError } from "../errors.js";
import type { ModelBackend } from "./backend.js";
import type { Container } from "./container.js";
import { type Port, parsePort, portKey, validatePort } from "./ports.js";
import { Secret, type SecretOptions, secretMetaArgs, validateSecretContent } from "./secret.js";
import { type StatusBase, StatusBase as Status, isSettable } from "./status.js";

/** Makes the {@link Container} objects of this unit. */
export type ContainerFactory = (name: string) => Container;

/** This unit. */
export class Unit {
  readonly isApp = false;
  private statusCache: StatusBase | undefined;
  private readonly containerCache = new Map<string, Container>();

  constructor(
    private readonly backend: ModelBackend,
    private readonly makeContainer: ContainerFactory,
  ) {}

  /** `app/N`. */
  get name(): string {
    return this.backend.unitName;
  }

  /** The application name. */
  get appName(): string {
    return this.backend.appName;
  }

  /** Whether this unit holds the leadership lease (cached for the 30 s lease). */
  isLeader(): boolean {
    return this.backend.isLeader();
  }

  /** The unit's status. */
  get status(): StatusBase {
    if (!this.statusCache) {
      const s = this.backend.tools.statusGet(false);
      this.statusCache = Status.fromName(s.status, s.message);
    }
    return this.statusCache;
  }

  /** Sets the unit's status at once (Juju keeps it even if the hook fails). */
  set status(value: StatusBase) {
    if (!isSettable(value)) throw new ModelError(`a charm cannot set the ${value.name} status`);
    this.backend.tools.statusSet(value.name, value.message, false);
    this.statusCache = value;
  }

  /** Sets the workload version shown by `juju status`. */
  setWorkloadVersion(version: string): void {
    this.backend.tools.applicationVersionSet(version);
  }

  /** The ports this unit opened. */
  openedPorts(): Port[] {
    return this.backend.tools
      .openedPorts()
      .map(parsePort)
      .filter((p): p is Port => p !== undefined);
  }

  /** Opens one port (applied when the hook succeeds). */
  openPort(port: Port): void {
    validatePort(port);
    this.backend.tools.port("open", port.protocol, port.port);
  }

  /** Closes one port. */
  closePort(port: Port): void {
    validatePort(port);
    this.backend.tools.port("close", port.protocol, port.port);
  }

  /** Makes the opened ports exactly `ports`: opens the missing, closes the others. */
  setPorts(ports: readonly Port[]): void {
    ports.forEach(validatePort);
    const wanted = new Map(ports.map((p) => [portKey(p), p]));
    const current = new Map(this.openedPorts().map((p) => [portKey(p), p]));
    for (const [k, p] of current) if (!wanted.has(k)) this.closePort(p);
    for (const [k, p] of wanted) if (!current.has(k)) this.openPort(p);
  }

  /** Adds a secret owned by this unit. */
  addSecret(content: Record<string, string>, opts: SecretOptions = {}): Secret {
    validateSecretContent(content);
    const id = this.backend.tools.secretAdd(content, "unit", secretMetaArgs(opts));
    return new Secret(this.backend, id, opts.label, "unit", { ...content });
  }

  /** A workload container declared in the metadata. */
  getContainer(name: string): Container {
    if (!this.backend.meta.containers.has(name)) {
      const known = [...this.backend.meta.containers.keys()].join(", ") || "none";
      throw new ModelError(
        `container "${name}" is not in the charm's metadata (containers: ${known})`,
      );
    }
    let c = this.containerCache.get(name);
    if (!c) {
      c = this.makeContainer(name);
      this.containerCache.set(name, c);
    }
    return c;
  }

  /** Every container declared in the metadata. */
  get containers(): Container[] {
    return [...this.backend.meta.containers.keys()].map((n) => this.getContainer(n));
  }
}

/** This application. */
export class Application {
  readonly isApp = true;
  private statusCache: StatusBase | undefined;

  constructor(private readonly backend: ModelBackend) {}

  /** The application name. */
  get name(): string {
    return this.backend.appName;
  }

  private requireLeader(what: string): void {
    if (!this.backend.isLeader()) {
      throw new PermissionDeniedError(
        `${this.backend.unitName} is not the leader and cannot ${what}`,
      );
    }
  }

  /** The application's status (leader only). */
  get status(): StatusBase {
    this.requireLeader("read the application status");
    if (!this.statusCache) {
      const s = this.backend.tools.statusGet(true);
      this.statusCache = Status.fromName(s.status, s.message);
    }
    return this.statusCache;
  }

  /** Sets the application's status (leader only). */
  set status(value: StatusBase) {
    if (!isSettable(value)) throw new ModelError(`a charm cannot set the ${value.name} status`);
    this.requireLeader("set the application status");
    this.backend.tools.statusSet(value.name, value.message, true);
    this.statusCache = value;
  }

  /** Adds a secret owned by the application (leader only). */
  addSecret(content: Record<string, string>, opts: SecretOptions = {}): Secret {
    validateSecretContent(content);
    this.requireLeader("add an application secret");
    const id = this.backend.tools.secretAdd(content, "application", secretMetaArgs(opts));
    return new Secret(this.backend, id, opts.label, "app", { ...content });
  }

  /** How many units Juju plans for this application (from `goal-state`, not counting dying units). */
  plannedUnits(): number {
    const goal = this.backend.tools.goalState();
    return Object.values(goal.units ?? {}).filter((u) => u.status !== "dying").length;
  }
}
