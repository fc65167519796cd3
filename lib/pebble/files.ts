/**
 * File operations over `/v1/files`: push (multipart upload), pull (multipart download, parsed
 * with busboy), list, make-dirs and remove. Per-path failures become {@link PathError}.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import busboy from "busboy";
import { APIError, PathError } from "./errors.js";
import { decodeEnvelope } from "./transport.js";
import type { Transport } from "./transport.js";
import type {
  FileInfo,
  FileType,
  ListFilesOptions,
  MakeDirOptions,
  Ownership,
  PushOptions,
  RemovePathOptions,
} from "./types.js";

/** One entry of a per-path result list. */
interface PathResult {
  path: string;
  error?: { message: string; kind?: string };
}

/** Raw list entry as Pebble sends it. */
interface RawFileInfo {
  path: string;
  name: string;
  type: FileType;
  size?: number;
  permissions: string;
  "last-modified": string;
  "user-id"?: number | null;
  user?: string;
  "group-id"?: number | null;
  group?: string;
}

/**
 * Formats permission bits as Pebble's three octal digits.
 *
 * @example
 * ```ts
 * formatPermissions(0o640); // "640"
 * ```
 */
export function formatPermissions(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new RangeError(`permissions must be between 0 and 0o777, got ${mode}`);
  }
  return mode.toString(8).padStart(3, "0");
}

function ownershipFields(o: Ownership): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (o.userId !== undefined) out["user-id"] = o.userId;
  if (o.user !== undefined) out.user = o.user;
  if (o.groupId !== undefined) out["group-id"] = o.groupId;
  if (o.group !== undefined) out.group = o.group;
  return out;
}

function raisePathErrors(results: PathResult[]): void {
  for (const result of results) {
    if (result.error) {
      throw new PathError(result.path, result.error.kind ?? "", result.error.message);
    }
  }
}

function quote(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/**
 * Builds the multipart body Pebble's write action expects: a `request` part with the metadata,
 * then one `files` part per file whose `filename` is the target path.
 *
 * @example
 * ```ts
 * const { body, contentType } = buildWriteBody([{ path: "/etc/a", data: Buffer.from("x"), meta: { permissions: "600" } }]);
 * ```
 */
export function buildWriteBody(
  files: { path: string; data: Buffer; meta: Record<string, unknown> }[],
): { body: Buffer; contentType: string } {
  const boundary = randomBytes(24).toString("hex");
  const parts: Buffer[] = [];
  const request = { action: "write", files: files.map((f) => ({ path: f.path, ...f.meta })) };
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="request"\r\n` +
        `Content-Type: application/json\r\n\r\n${JSON.stringify(request)}\r\n`,
    ),
  );
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${quote(file.path)}"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`,
      ),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Writes one file.
 *
 * @example
 * ```ts
 * await pushFile(transport, "/etc/app.conf", "port = 80\n", { permissions: 0o600, user: "app" });
 * ```
 */
export async function pushFile(
  transport: Transport,
  path: string,
  data: string | Buffer | Uint8Array,
  options: PushOptions = {},
): Promise<void> {
  const meta: Record<string, unknown> = { ...ownershipFields(options) };
  if (options.makeDirs) meta["make-dirs"] = true;
  if (options.permissions !== undefined) meta.permissions = formatPermissions(options.permissions);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  const { body, contentType } = buildWriteBody([{ path, data: bytes, meta }]);
  const results = await transport.sync<PathResult[]>({
    method: "POST",
    path: "/v1/files",
    body,
    headers: { "Content-Type": contentType },
  });
  raisePathErrors(results);
}

/**
 * Reads one file. Raises {@link PathError} (kind `not-found`, ...) when Pebble cannot read it.
 *
 * @example
 * ```ts
 * const bytes = await pullFile(transport, "/etc/hostname");
 * ```
 */
export async function pullFile(transport: Transport, path: string): Promise<Buffer> {
  const res = await transport.stream({
    method: "GET",
    path: "/v1/files",
    query: { action: "read", path },
    headers: { Accept: "multipart/form-data" },
  });
  const contentType = res.headers["content-type"] ?? "";
  if (!contentType.startsWith("multipart/")) {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    decodeEnvelope(res.statusCode ?? 0, Buffer.concat(chunks));
    throw new APIError(
      res.statusCode ?? 0,
      "",
      `expected a multipart response, got ${contentType}`,
    );
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let response: string | undefined;
    const parser = busboy({
      headers: res.headers,
      preservePath: true,
      limits: { fieldSize: 16 * 1024 * 1024 },
    });
    parser.on("file", (name, stream) => {
      if (name !== "files") {
        stream.resume();
        return;
      }
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    });
    parser.on("field", (name, value) => {
      if (name === "response") response = value;
    });
    parser.on("error", (error: Error) => reject(error));
    parser.on("close", () => {
      try {
        if (response === undefined) throw new APIError(res.statusCode ?? 0, "", "no response part");
        const results = decodeEnvelope(res.statusCode ?? 0, response).result as PathResult[];
        raisePathErrors(results);
        resolve(Buffer.concat(chunks));
      } catch (error) {
        reject(error);
      }
    });
    res.on("error", (error) => reject(transport.mapError(error)));
    res.pipe(parser);
  });
}

/**
 * Lists a directory, or describes one entry (`itself`, or when the path is not a directory).
 *
 * @example
 * ```ts
 * const confs = await listFiles(transport, "/etc", { pattern: "*.conf" });
 * ```
 */
export async function listFiles(
  transport: Transport,
  path: string,
  options: ListFilesOptions = {},
): Promise<FileInfo[]> {
  let raw: RawFileInfo[];
  try {
    raw = await transport.sync<RawFileInfo[]>({
      method: "GET",
      path: "/v1/files",
      query: {
        action: "list",
        path,
        pattern: options.pattern || undefined,
        itself: options.itself ? "true" : undefined,
      },
    });
  } catch (error) {
    // Listing reports file errors as error envelopes with a file kind; raise them as PathError
    // like every other file operation does.
    if (
      error instanceof APIError &&
      ["not-found", "permission-denied", "generic-file-error"].includes(error.kind)
    ) {
      throw new PathError(path, error.kind, error.message);
    }
    throw error;
  }
  return raw.map((entry) => {
    const info: FileInfo = {
      path: entry.path,
      name: entry.name,
      type: entry.type,
      permissions: parseInt(entry.permissions, 8),
      lastModified: entry["last-modified"],
    };
    if (entry.size !== undefined) info.size = entry.size;
    if (entry["user-id"] !== undefined && entry["user-id"] !== null) info.userId = entry["user-id"];
    if (entry.user) info.user = entry.user;
    if (entry["group-id"] !== undefined && entry["group-id"] !== null)
      info.groupId = entry["group-id"];
    if (entry.group) info.group = entry.group;
    return info;
  });
}

/**
 * Creates a directory.
 *
 * @example
 * ```ts
 * await makeDir(transport, "/var/lib/app/data", { makeParents: true, permissions: 0o750, user: "app" });
 * ```
 */
export async function makeDir(
  transport: Transport,
  path: string,
  options: MakeDirOptions = {},
): Promise<void> {
  const dir: Record<string, unknown> = { path, ...ownershipFields(options) };
  if (options.makeParents) dir["make-parents"] = true;
  if (options.permissions !== undefined) dir.permissions = formatPermissions(options.permissions);
  const results = await transport.sync<PathResult[]>({
    method: "POST",
    path: "/v1/files",
    json: { action: "make-dirs", dirs: [dir] },
  });
  raisePathErrors(results);
}

/**
 * Removes a path (recursively when asked).
 *
 * @example
 * ```ts
 * await removePath(transport, "/tmp/cache", { recursive: true });
 * ```
 */
export async function removePath(
  transport: Transport,
  path: string,
  options: RemovePathOptions = {},
): Promise<void> {
  const item: Record<string, unknown> = { path };
  if (options.recursive) item.recursive = true;
  const results = await transport.sync<PathResult[]>({
    method: "POST",
    path: "/v1/files",
    json: { action: "remove", paths: [item] },
  });
  raisePathErrors(results);
}
