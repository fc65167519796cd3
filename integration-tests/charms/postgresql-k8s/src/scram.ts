/**
 * SCRAM-SHA-256 password verifiers (RFC 5802/7677) in the form PostgreSQL stores them
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`). `CREATE ROLE ... PASSWORD`
 * accepts a verifier as is, so the charm sends the server a verifier, never the password itself,
 * as `psql`'s `\password` does.
 *
 * @example
 * ```ts
 * const verifier = scramVerifier(password);
 * await client.query(`ALTER ROLE "app" PASSWORD ${escapeLiteral(verifier)}`);
 * ```
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** PostgreSQL's default iteration count (`scram_iterations`). */
const ITERATIONS = 4096;

/**
 * The verifier of `password` with a random 16-byte salt (or the one given, for tests).
 * Passwords are used as UTF-8 without SASLprep, which changes nothing for the ASCII passwords
 * this charm generates.
 *
 * @example
 * ```ts
 * scramVerifier("pencil").startsWith("SCRAM-SHA-256$4096:"); // true
 * ```
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(Buffer.from(password, "utf8"), salt, ITERATIONS, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
