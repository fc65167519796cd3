/**
 * `juju status` as a table (Juju 3, Kubernetes model): the Model line, then the SAAS, App and
 * Unit sections, the Offer section when the model offers endpoints, and the Integration section
 * with `--relations`. The leader unit is marked `*`; a unit whose hook failed shows `error` with
 * `hook failed: "<hook>"`.
 *
 * @example
 * ```ts
 * process.stdout.write(statusTable(status, integrations, { relations: true }));
 * // Model  Controller  Cloud/Region     Version  SLA          Timestamp
 * // jaas   local       sim-k8s/default  3.6.8    unsupported  21:45:03Z
 * //
 * // App   Version  Status  Scale  Charm  Channel  Rev  Address  Exposed  Message
 * // demo           active      1  demo              1           no       hello
 * // ...
 * ```
 */
import type { IntegrationRow } from "../../sim/daemon/views.js";
import type { StatusOutput } from "../../sim/status.js";
import { table } from "./output.js";

/** Options of {@link statusTable}. */
export interface StatusTableOptions {
  /** Add the Integration section (`--relations`). */
  relations?: boolean;
}

/**
 * Keeps only the applications (and their units) a `juju status <filter>...` names: an
 * application, a unit, or a prefix ending in `*`.
 *
 * @example
 * ```ts
 * filterStatus(status, ["demo"]).applications; // only demo
 * ```
 */
export function filterStatus(status: StatusOutput, filters: readonly string[]): StatusOutput {
  if (filters.length === 0) return status;
  const match = (name: string): boolean =>
    filters.some((f) => (f.endsWith("*") ? name.startsWith(f.slice(0, -1)) : name === f));
  const applications: StatusOutput["applications"] = {};
  for (const [name, app] of Object.entries(status.applications)) {
    const units = Object.entries(app.units ?? {}).filter(([u]) => match(u));
    if (match(name)) applications[name] = app;
    else if (units.length > 0) applications[name] = { ...app, units: Object.fromEntries(units) };
  }
  return { ...status, applications };
}

/**
 * The table (see the module documentation).
 *
 * @example
 * ```ts
 * statusTable(status, [], {});
 * ```
 */
export function statusTable(
  status: StatusOutput,
  integrations: readonly IntegrationRow[],
  options: StatusTableOptions = {},
): string {
  const m = status.model;
  const sections: string[] = [];
  sections.push(
    table([
      ["Model", "Controller", "Cloud/Region", "Version", "SLA", "Timestamp"],
      [
        m.name,
        m.controller,
        `${m.cloud}/${m.region}`,
        m.version,
        m.sla,
        status.controller.timestamp,
      ],
    ]),
  );
  const apps = Object.entries(status.applications);
  const saas = Object.entries(status["application-endpoints"] ?? {});
  if (apps.length === 0 && saas.length === 0) {
    sections.push(`Model "admin/${m.name}" is empty.\n`);
    return sections.join("\n");
  }
  if (saas.length > 0) {
    sections.push(
      table([
        ["SAAS", "Status", "Store", "URL"],
        ...saas.map(([name, s]) => [name, s["application-status"].current, "local", s.url]),
      ]),
    );
  }
  if (apps.length > 0) {
    sections.push(
      table(
        [
          [
            "App",
            "Version",
            "Status",
            "Scale",
            "Charm",
            "Channel",
            "Rev",
            "Address",
            "Exposed",
            "Message",
          ],
          ...apps.map(([name, app]) => [
            name,
            app.version ?? "",
            app.life === "dying" ? "terminated" : app["application-status"].current,
            String(app.scale ?? Object.keys(app.units ?? {}).length),
            app["charm-name"],
            "",
            String(app["charm-rev"]),
            "",
            app.exposed ? "yes" : "no",
            app["application-status"].message ?? "",
          ]),
        ],
        new Set([3, 6]),
      ),
    );
    const units = apps.flatMap(([, app]) => Object.entries(app.units ?? {}));
    if (units.length > 0) {
      const machines = units.some(([, u]) => u.machine !== undefined);
      sections.push(
        table([
          [
            "Unit",
            "Workload",
            "Agent",
            ...(machines ? ["Machine"] : []),
            "Address",
            "Ports",
            "Message",
          ],
          ...units
            .sort(([a], [b]) => unitOrder(a, b))
            .map(([name, u]) => [
              `${name}${u.leader === true ? "*" : ""}`,
              u["workload-status"].current,
              u["juju-status"].current,
              ...(machines ? [u.machine ?? ""] : []),
              u.address ?? "",
              (u["open-ports"] ?? []).join(","),
              u["workload-status"].message ?? u["juju-status"].message ?? "",
            ]),
        ]),
      );
    }
  }
  const offers = Object.entries(status.offers ?? {});
  if (offers.length > 0) {
    const rows: string[][] = [
      ["Offer", "Application", "Charm", "Rev", "Connected", "Endpoint", "Interface", "Role"],
    ];
    for (const [name, offer] of offers) {
      const charm = /^local:(.*)-(\d+)$/.exec(offer.charm);
      Object.entries(offer.endpoints).forEach(([ep, info], i) => {
        rows.push(
          i === 0
            ? [
                name,
                offer.application,
                charm?.[1] ?? offer.charm,
                charm?.[2] ?? "",
                `${offer["active-connected-count"]}/${offer["total-connected-count"]}`,
                ep,
                info.interface,
                info.role,
              ]
            : ["", "", "", "", "", ep, info.interface, info.role],
        );
      });
    }
    sections.push(table(rows));
  }
  if (options.relations === true && integrations.length > 0) {
    sections.push(
      table([
        ["Integration provider", "Requirer", "Interface", "Type", "Message"],
        ...integrations.map((r) => [r.provider, r.requirer, r.interface, r.type, r.message]),
      ]),
    );
  }
  return sections.join("\n");
}

/** Units by application, then number (`demo/2` before `demo/10`). */
function unitOrder(a: string, b: string): number {
  const [appA = "", nA = "0"] = a.split("/");
  const [appB = "", nB = "0"] = b.split("/");
  if (appA !== appB) return appA < appB ? -1 : 1;
  return Number(nA) - Number(nB);
}
