/**
 * The charm's configuration, validated: `log-level` against the levels OpenFGA accepts, `cpu`
 * and `memory` as Kubernetes quantities. Invalid values become precise messages for a blocked
 * status, never exceptions.
 *
 * @example
 * ```ts
 * const cfg = readConfig({ "log-level": "debug", cpu: "500m" });
 * if (cfg.errors.length === 0) use(cfg.logLevel, cfg.resources);
 * ```
 */

/**
 * The levels `openfga run --log-level` accepts.
 *
 * @example
 * ```ts
 * LOG_LEVELS.includes("warn"); // true
 * ```
 */
export const LOG_LEVELS = ["none", "debug", "info", "warn", "error", "panic", "fatal"] as const;

/**
 * One OpenFGA log level.
 *
 * @example
 * ```ts
 * const level: LogLevel = "info";
 * ```
 */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The default of the `log-level` option (as in `charmcraft.yaml`). */
export const DEFAULT_LOG_LEVEL: LogLevel = "error";

/**
 * Requests the container always gets (the Python charm's base requests); a lower limit lowers
 * them, since Kubernetes refuses a request above its limit.
 *
 * @example
 * ```ts
 * BASE_REQUESTS.cpu; // "100m"
 * ```
 */
export const BASE_REQUESTS = { cpu: "100m", memory: "200Mi" } as const;

/**
 * The Kubernetes compute resources of the workload container.
 *
 * @example
 * ```ts
 * const r: ComputeResources = { limits: { cpu: "1" }, requests: { cpu: "100m", memory: "200Mi" } };
 * ```
 */
export interface ComputeResources {
  limits: { cpu?: string; memory?: string };
  requests: { cpu?: string; memory?: string };
}

/**
 * The validated configuration.
 *
 * @example
 * ```ts
 * const { logLevel, resources, errors }: CharmConfig = readConfig(this.config.toObject());
 * ```
 */
export interface CharmConfig {
  /** The log level; the default while the option is invalid. */
  logLevel: LogLevel;
  /** Whether `log-level` is valid (an invalid one must not reach the workload). */
  logLevelValid: boolean;
  /** The resources to apply; undefined when `cpu` or `memory` is invalid. */
  resources: ComputeResources | undefined;
  /** Whether the operator set `cpu` or `memory`. */
  resourcesConfigured: boolean;
  /** One message per invalid option, for a blocked status. */
  errors: string[];
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// Kubernetes' quantity grammar: a decimal number, then a binary or decimal SI suffix or a
// decimal exponent (resource.Quantity's format). Signs are allowed by the grammar; limits must
// be positive, which is checked after parsing.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * The value of a Kubernetes quantity in base units (cores, bytes), or undefined when the text
 * is not a quantity.
 *
 * @example
 * ```ts
 * parseQuantity("500m"); // 0.5
 * parseQuantity("1Gi");  // 1073741824
 * parseQuantity("lots"); // undefined
 * ```
 */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, number, suffix = ""] = m;
  const value = Number(number);
  if (/^[eE]/.test(suffix)) return value * 10 ** Number(suffix.slice(1));
  const factor = SUFFIX[suffix];
  return factor === undefined ? undefined : value * factor;
}

function checkQuantity(option: "cpu" | "memory", raw: string): string | undefined {
  const example = option === "cpu" ? "500m or 2" : "512Mi or 1Gi";
  const value = parseQuantity(raw);
  if (value === undefined) {
    return `invalid ${option} ${JSON.stringify(raw)}: not a Kubernetes quantity (for example ${example})`;
  }
  if (!(value > 0)) return `invalid ${option} ${JSON.stringify(raw)}: must be greater than zero`;
  if (option === "cpu" && value < 0.001) {
    return `invalid cpu ${JSON.stringify(raw)}: below the smallest Kubernetes CPU unit, 1m`;
  }
  if (option === "memory" && value < 1) {
    return `invalid memory ${JSON.stringify(raw)}: below one byte (use a suffix such as Mi or Gi)`;
  }
  return undefined;
}

/**
 * The compute resources for validated limits: each request is the base request, or the limit
 * when that is lower.
 *
 * @example
 * ```ts
 * computeResources({ cpu: "50m" }); // { limits: { cpu: "50m" }, requests: { cpu: "50m", memory: "200Mi" } }
 * ```
 */
export function computeResources(limits: { cpu?: string; memory?: string }): ComputeResources {
  const requests: { cpu?: string; memory?: string } = {};
  for (const key of ["cpu", "memory"] as const) {
    const limit = limits[key];
    const base = BASE_REQUESTS[key];
    requests[key] =
      limit !== undefined && parseQuantity(limit)! < parseQuantity(base)! ? limit : base;
  }
  const cleanLimits: { cpu?: string; memory?: string } = {};
  if (limits.cpu !== undefined) cleanLimits.cpu = limits.cpu;
  if (limits.memory !== undefined) cleanLimits.memory = limits.memory;
  return { limits: cleanLimits, requests };
}

/**
 * Validates the raw config (as `config-get` gives it).
 *
 * @example
 * ```ts
 * readConfig({ "log-level": "loud" }).errors;
 * // ['invalid log-level "loud": use one of none, debug, info, warn, error, panic, fatal']
 * ```
 */
export function readConfig(raw: Readonly<Record<string, unknown>>): CharmConfig {
  const errors: string[] = [];
  const rawLevel = typeof raw["log-level"] === "string" ? raw["log-level"].trim() : "";
  const level = (rawLevel === "" ? DEFAULT_LOG_LEVEL : rawLevel.toLowerCase()) as LogLevel;
  const logLevelValid = (LOG_LEVELS as readonly string[]).includes(level);
  if (!logLevelValid) {
    errors.push(
      `invalid log-level ${JSON.stringify(raw["log-level"])}: use one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  const limits: { cpu?: string; memory?: string } = {};
  let resourcesValid = true;
  for (const option of ["cpu", "memory"] as const) {
    const value = raw[option];
    if (typeof value !== "string" || value.trim() === "") continue;
    const error = checkQuantity(option, value);
    if (error) {
      errors.push(error);
      resourcesValid = false;
    } else {
      limits[option] = value.trim();
    }
  }
  return {
    logLevel: logLevelValid ? level : DEFAULT_LOG_LEVEL,
    logLevelValid,
    resources: resourcesValid ? computeResources(limits) : undefined,
    resourcesConfigured: ["cpu", "memory"].some(
      (o) => typeof raw[o] === "string" && (raw[o] as string).trim() !== "",
    ),
    errors,
  };
}
