/**
 * The `cpu` and `memory` options applied to the workload container's Kubernetes resources: one
 * server-side apply of the application's StatefulSet (the pod template's `openfga` container),
 * under the field manager `openfga-k8s`, so that limits the operator removes are removed from
 * the StatefulSet too. Kubernetes then rolls the pods. This needs the application to be trusted
 * (`juju trust <app> --scope=cluster`); an untrusted one gets 403 Forbidden.
 *
 * `@kubernetes/client-node` is loaded with a dynamic `import()` here only: hooks that apply
 * nothing never load it (about 0.2 s of start-up).
 *
 * @example
 * ```ts
 * const r = await applyComputeResources({ namespace: "jaas", statefulSet: "openfga", container: "openfga" }, resources);
 * if (!r.ok && r.reason === "forbidden") blocked(trustMessage("openfga"));
 * ```
 */
import type * as K8sClient from "@kubernetes/client-node";
import type { ComputeResources } from "./config.js";

/** The field manager of our server-side applies. */
export const FIELD_MANAGER = "openfga-k8s";

/**
 * Where the resources go: Juju names the StatefulSet after the application, in the model's
 * namespace.
 *
 * @example
 * ```ts
 * const t: ResourceTarget = { namespace: this.model.name, statefulSet: this.app.name, container: "openfga" };
 * ```
 */
export interface ResourceTarget {
  namespace: string;
  statefulSet: string;
  container: string;
}

/**
 * How to reach the Kubernetes API: in production the pod's service account (in-cluster config);
 * tests give a local server standing in for the API.
 *
 * @example
 * ```ts
 * const access: KubernetesAccess = { server: "http://127.0.0.1:6443", token: "t" };
 * ```
 */
export interface KubernetesAccess {
  server: string;
  token: string;
  caData?: string;
  skipTlsVerify?: boolean;
}

/**
 * The outcome of an apply.
 *
 * @example
 * ```ts
 * const r: ApplyResult = { ok: false, reason: "forbidden", message: "..." };
 * ```
 */
export type ApplyResult =
  { ok: true } | { ok: false; reason: "forbidden" | "unreachable" | "refused"; message: string };

/**
 * The blocked message of an untrusted application: the exact command to run.
 *
 * @example
 * ```ts
 * trustMessage("openfga"); // "cpu/memory limits need trust: run `juju trust openfga --scope=cluster`"
 * ```
 */
export function trustMessage(app: string): string {
  return `cpu/memory limits need trust: run \`juju trust ${app} --scope=cluster\``;
}

/**
 * The server-side apply body: the StatefulSet's identity and, in its pod template, the named
 * container with exactly the resources we manage.
 *
 * @example
 * ```ts
 * applyBody(target, { limits: { cpu: "1" }, requests: { cpu: "100m", memory: "200Mi" } });
 * ```
 */
export function applyBody(
  target: ResourceTarget,
  resources: ComputeResources,
): Record<string, unknown> {
  const section = (m: { cpu?: string; memory?: string }) =>
    Object.keys(m).length > 0 ? m : undefined;
  const res: Record<string, unknown> = {};
  const limits = section(resources.limits);
  const requests = section(resources.requests);
  if (limits) res.limits = limits;
  if (requests) res.requests = requests;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: target.statefulSet, namespace: target.namespace },
    spec: {
      template: { spec: { containers: [{ name: target.container, resources: res }] } },
    },
  };
}

// Types only (erased): the module itself is loaded on demand below.
type K8s = typeof K8sClient;

async function kubeConfig(k8s: K8s, access: KubernetesAccess | undefined) {
  const kc = new k8s.KubeConfig();
  if (access) {
    kc.loadFromClusterAndUser(
      {
        name: "api",
        server: access.server,
        skipTLSVerify: access.skipTlsVerify ?? false,
        ...(access.caData ? { caData: access.caData } : {}),
      },
      { name: "charm", token: access.token },
    );
  } else {
    kc.loadFromCluster();
  }
  return kc;
}

/**
 * Applies `resources` to the target's container. Never throws: the result says why it failed.
 *
 * @example
 * ```ts
 * await applyComputeResources(target, readConfig(cfg).resources!, { server, token });
 * ```
 */
export async function applyComputeResources(
  target: ResourceTarget,
  resources: ComputeResources,
  access?: KubernetesAccess,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ApplyResult> {
  if (!access && !env.KUBERNETES_SERVICE_HOST) {
    return {
      ok: false,
      reason: "unreachable",
      message: "no Kubernetes API here (KUBERNETES_SERVICE_HOST is not set)",
    };
  }
  let k8s: K8s;
  try {
    k8s = await import("@kubernetes/client-node");
  } catch (e) {
    return { ok: false, reason: "unreachable", message: `cannot load the Kubernetes client: ${e}` };
  }
  try {
    const kc = await kubeConfig(k8s, access);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.patchNamespacedStatefulSet(
      {
        name: target.statefulSet,
        namespace: target.namespace,
        body: applyBody(target, resources),
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply),
    );
    return { ok: true };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 401 || code === 403) {
      return { ok: false, reason: "forbidden", message: `HTTP ${code} from the Kubernetes API` };
    }
    if (typeof code === "number") {
      return {
        ok: false,
        reason: "refused",
        message: `HTTP ${code} from the Kubernetes API: ${apiMessage(e)}`,
      };
    }
    return { ok: false, reason: "unreachable", message: (e as Error).message ?? String(e) };
  }
}

/** The `message` of a Kubernetes `Status` body, when there is one. */
function apiMessage(e: unknown): string {
  const body = (e as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === "string") return parsed.message;
    } catch {
      return body.slice(0, 200);
    }
  }
  if (
    body &&
    typeof body === "object" &&
    typeof (body as { message?: unknown }).message === "string"
  )
    return (body as { message: string }).message;
  return (e as Error).message ?? String(e);
}
