// Unit tests of the stand-in's pure modules: SCRAM verifiers (checked through the `pg` client's
// own SCRAM exchange), extra-user-roles, names, the provisioning record, account and version
// parsing.
import { createHash, createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { generatePassword } from "../src/passwords.js";
import { scramVerifier } from "../src/scram.js";
import { parseExtraUserRoles } from "../src/sql.js";
import {
  choosePrimary,
  databaseNameProblem,
  parseProvisioned,
  podFqdn,
  relationUser,
} from "../src/topology.js";
import { accountIn, parseVersion } from "../src/workload.js";

interface SaslSession {
  clientNonce: string;
  response: string;
  message: string;
}
interface SaslModule {
  startSession(mechanisms: string[]): SaslSession;
  continueSession(session: SaslSession, password: string, serverData: string): Promise<void>;
}
const sasl = createRequire(import.meta.url)("pg/lib/crypto/sasl.js") as SaslModule;

/** Plays the server side of SCRAM-SHA-256 against `pg`'s client with a stored verifier. */
async function clientProves(verifier: string, password: string): Promise<boolean> {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error("not a verifier");
  const [, iterations, salt, storedKeyB64] = m;
  const storedKey = Buffer.from(storedKeyB64!, "base64");
  const session = sasl.startSession(["SCRAM-SHA-256"]);
  const clientFirstBare = session.response.replace(/^n,,/, "");
  const serverFirst = `r=${session.clientNonce}SERVERNONCE,s=${salt},i=${iterations}`;
  await sasl.continueSession(session, password, serverFirst);
  const clientFinal = session.response;
  const proof = Buffer.from(/,p=(.+)$/.exec(clientFinal)![1]!, "base64");
  const withoutProof = clientFinal.replace(/,p=.+$/, "");
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac("sha256", storedKey).update(authMessage).digest();
  const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
  return createHash("sha256").update(clientKey).digest().equals(storedKey);
}

describe("scram", () => {
  it("makes verifiers in PostgreSQL's form that pg's client proves the password against", async () => {
    const password = generatePassword();
    const verifier = scramVerifier(password);
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
    );
    expect(verifier).not.toContain(password);
    expect(await clientProves(verifier, password)).toBe(true);
    expect(await clientProves(verifier, `${password}x`)).toBe(false);
  });

  it("uses a fresh salt each time", () => {
    expect(scramVerifier("same")).not.toBe(scramVerifier("same"));
    const salt = Buffer.alloc(16, 7);
    expect(scramVerifier("same", salt)).toBe(scramVerifier("same", salt));
  });
});

describe("extra-user-roles", () => {
  it("maps attributes, admin and memberships; ignores case, spaces and empty items", () => {
    expect(parseExtraUserRoles(undefined)).toEqual({ attributes: [], memberOf: [] });
    expect(parseExtraUserRoles(" SUPERUSER , createdb,,createrole")).toEqual({
      attributes: ["CREATEDB", "CREATEROLE", "SUPERUSER"],
      memberOf: [],
    });
    expect(parseExtraUserRoles("admin,pg_monitor")).toEqual({
      attributes: ["CREATEDB"],
      memberOf: ["pg_monitor", "pg_read_all_data", "pg_write_all_data"],
    });
  });

  it("refuses anything that is not a plain role name", () => {
    expect(parseExtraUserRoles('x"; drop role operator; --')).toEqual({
      error: 'extra-user-roles: "x\\"; drop role operator; --" is not a role name',
    });
  });
});

describe("topology", () => {
  it("names pods as the local model resolves them, and users as postgresql-k8s does", () => {
    expect(podFqdn("postgresql-k8s/2", "jaas")).toBe(
      "postgresql-k8s-2.postgresql-k8s-endpoints.jaas.svc.cluster.local",
    );
    expect(relationUser(7)).toBe("relation_id_7");
  });

  it("keeps the primary while it is a unit, else the leader takes over", () => {
    expect(choosePrimary(undefined, "pg/1", ["pg/1"])).toBe("pg/1");
    expect(choosePrimary("pg/0", "pg/1", ["pg/0", "pg/1"])).toBe("pg/0");
    expect(choosePrimary("pg/0", "pg/1", ["pg/1", "pg/2"])).toBe("pg/1");
  });

  it("reads the provisioning record, treating garbage as nothing done", () => {
    expect(parseProvisioned('{"7":"k","8":3}')).toEqual({ "7": "k" });
    expect(parseProvisioned("[1]")).toEqual({});
    expect(parseProvisioned("{")).toEqual({});
    expect(parseProvisioned(undefined)).toEqual({});
  });

  it("checks requested database names", () => {
    expect(databaseNameProblem("jimm")).toBeUndefined();
    expect(databaseNameProblem("")).toBe("the requested database name is empty");
    expect(databaseNameProblem("a".repeat(64))).toMatch(/longer than 63 bytes/);
    expect(databaseNameProblem("a\nb")).toMatch(/control characters/);
  });
});

describe("workload parsing", () => {
  it("finds an account in /etc/passwd text", () => {
    const passwd =
      "root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104::/var/lib/postgresql:/bin/sh\n";
    expect(accountIn(passwd, "postgres")).toEqual({ uid: 101, gid: 104 });
    expect(accountIn(passwd, "postgre")).toBeUndefined();
    expect(accountIn("postgres:x::104::/:/bin/sh", "postgres")).toBeUndefined();
  });

  it("reads the version out of postgres --version", () => {
    expect(parseVersion("postgres (PostgreSQL) 18.4\n")).toBe("18.4");
    expect(parseVersion("postgres (PostgreSQL) 16.6 (Ubuntu 16.6-1)\n")).toBe("16.6");
    expect(parseVersion("nonsense")).toBeUndefined();
  });
});
