import { describe, expect, it } from "vitest";
import { rewriteDynamicImports } from "../lazy-import-plugin.js";

describe("rewriteDynamicImports", () => {
  it("routes dynamic imports of bare packages through the interop helper", () => {
    const out = rewriteDynamicImports(
      `const a = await import("@openfga/sdk");\nconst b = await import('yaml');`,
    );
    expect(out).toContain(`await import("@openfga/sdk").then(__charmImportInterop)`);
    expect(out).toContain(`await import('yaml').then(__charmImportInterop)`);
    expect(
      out?.startsWith(`import { __charmImportInterop } from "charm-pack:import-interop";\n`),
    ).toBe(true);
  });

  it("leaves relative, absolute, built-in and static imports alone", () => {
    const source = `import { x } from "yaml";\nawait import("./local.js");\nawait import("/abs.js");\nawait import("node:fs");`;
    expect(rewriteDynamicImports(source)).toBeUndefined();
  });
});
