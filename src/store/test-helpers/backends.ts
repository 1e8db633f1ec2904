/**
 * The two backends as test harnesses: each hands out fresh, empty databases and a raw handle for the
 * tests that must go around the store (tampering with the audit log).
 *
 * SQLite: a file in a temporary directory per database.
 * PostgreSQL: a schema "mh_test_<run>_<n>" per database in the server at MINERHUNT_TEST_PG_URL
 * (default 127.0.0.1:5432, database "test", user root then postgres), dropped at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";

export interface TestDatabase {
  /** What openStore takes. */
  location: string;
  /** Run SQL around the store (no parameters). */
  raw(sql: string): Promise<void>;
}

export interface Backend {
  name: "sqlite" | "postgres";
  /** Why the backend cannot run here; undefined when it can. */
  unavailable?: string;
  fresh(): Promise<TestDatabase>;
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-store-"));
  let n = 0;
  return {
    name: "sqlite",
    fresh: () => {
      const location = join(dir, `db-${++n}`, "minerhunt.db");
      return Promise.resolve({
        location,
        raw: async (sql) => {
          const db = new Database(location);
          try { db.exec(sql); } finally { db.close(); }
        },
      });
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

const DEFAULT_PG_URLS = ["postgres://root@127.0.0.1:5432/test", "postgres://postgres@127.0.0.1:5432/test"];

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function postgresBackend(): Promise<Backend> {
  const explicit = process.env["MINERHUNT_TEST_PG_URL"];
  const urls = explicit ? [explicit] : DEFAULT_PG_URLS;
  const errors: string[] = [];
  let url: string | undefined;
  for (const candidate of urls) {
    const err = await reachable(candidate);
    if (err === undefined) { url = candidate; break; }
    errors.push(`${candidate.replace(/\/\/[^@/]*@/, "//")}: ${err}`);
  }
  if (url === undefined) {
    return {
      name: "postgres",
      unavailable: `PostgreSQL not reachable (${errors.join("; ")}); set MINERHUNT_TEST_PG_URL to run the PostgreSQL half`,
      fresh: () => Promise.reject(new Error(`PostgreSQL unavailable: ${errors.join("; ")}`)),
      cleanup: () => Promise.resolve(),
    };
  }
  const serverUrl = url;
  const run = randomBytes(4).toString("hex");
  const schemas: string[] = [];
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try { await client.query(sql); } finally { await client.end(); }
  };
  return {
    name: "postgres",
    fresh: async () => {
      const schema = `mh_test_${run}_${schemas.length + 1}`;
      schemas.push(schema);
      await admin(`CREATE SCHEMA ${schema}`);
      const sep = serverUrl.includes("?") ? "&" : "?";
      return { location: `${serverUrl}${sep}schema=${schema}`, raw: (sql) => admin(`SET search_path = ${schema}; ${sql}`) };
    },
    cleanup: async () => {
      for (const schema of schemas) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
