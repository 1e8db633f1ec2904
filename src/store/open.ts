/**
 * openStore picks the backend from the location: a postgres:// or postgresql:// URL opens PostgreSQL,
 * anything else is a SQLite file (a plain path, "sqlite:PATH" or a file:// URL).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPostgresDriver } from "./postgres.js";
import { openSqliteDriver } from "./sqlite.js";
import { SqlStore } from "./sql-store.js";
import type { OpenStoreOptions, Store } from "./types.js";
import { StoreError } from "./types.js";

export type StoreLocation = { backend: "sqlite"; path: string } | { backend: "postgres"; url: string };

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

export function parseStoreLocation(location: string): StoreLocation {
  const where = location.trim();
  if (where === "") throw new StoreError("location", "no database given: pass --db PATH|postgres://... or set MINERHUNT_DB");
  const scheme = URL_SCHEME.exec(where)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") return { backend: "postgres", url: where };
  if (scheme === "file") return { backend: "sqlite", path: fileURLToPath(where) };
  if (scheme === "sqlite") return { backend: "sqlite", path: where.slice("sqlite://".length) };
  if (scheme !== undefined) {
    throw new StoreError("location", `unsupported database "${scheme}://": expected a SQLite file path or a postgres:// URL`);
  }
  if (where.toLowerCase().startsWith("sqlite:")) return { backend: "sqlite", path: where.slice("sqlite:".length) };
  return { backend: "sqlite", path: where };
}

/**
 * Where the CLI keeps incidents when neither --db nor MINERHUNT_DB says: one file per user, so runs from
 * any directory see the same incidents ($XDG_DATA_HOME/minerhunt/minerhunt.db).
 */
export function defaultStoreLocation(env: NodeJS.ProcessEnv = process.env): string {
  if (env["MINERHUNT_DB"]) return env["MINERHUNT_DB"];
  const dataHome = env["XDG_DATA_HOME"] || join(env["HOME"] || homedir(), ".local", "share");
  return join(dataHome, "minerhunt", "minerhunt.db");
}

/**
 * Where the audit chain's head is kept (store/audit-head.ts): MINERHUNT_AUDIT_HEAD, else beside a SQLite file.
 * PostgreSQL has no file of its own to sit beside: without the variable, no head is kept.
 */
export function defaultAuditHead(location: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env["MINERHUNT_AUDIT_HEAD"]) return env["MINERHUNT_AUDIT_HEAD"];
  const parsed = parseStoreLocation(location);
  return parsed.backend === "sqlite" && parsed.path !== ":memory:" ? `${parsed.path}.audit-head` : undefined;
}

/**
 * Open (and migrate) the store at a path or URL. With `mustExist`, a SQLite file that is not there is
 * refused (StoreError "location") instead of created empty: a mistyped --db must not look like a store
 * with no incidents. Only commands that create a store (scan, or --create) leave it off.
 */
export async function openStore(location: string, options: OpenStoreOptions & { mustExist?: boolean } = {}): Promise<Store> {
  const parsed = parseStoreLocation(location);
  if (options.mustExist && parsed.backend === "sqlite" && parsed.path !== ":memory:" && !existsSync(parsed.path)) {
    throw new StoreError("location",
      `no incident store at ${parsed.path} (no such file): check --db or MINERHUNT_DB; \`minerhunt scan --db ${parsed.path}\` or --create makes a new one`);
  }
  const driver = parsed.backend === "postgres" ? await openPostgresDriver(parsed.url) : openSqliteDriver(parsed.path);
  const { mustExist: _checked, ...open } = options;
  const auditHead = "auditHead" in open ? open.auditHead : defaultAuditHead(location);
  return SqlStore.open(driver, auditHead === undefined ? open : { ...open, auditHead });
}
