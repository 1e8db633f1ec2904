/**
 * PostgreSQL backend driver (pg). A URL "postgres://user@host:5432/db" picks it; an optional
 * "?schema=NAME" keeps minerhunt's tables in their own schema (created if missing), which is also how
 * the tests get a fresh, disposable database per run.
 */
import pg from "pg";
import type { Row, SqlConn, SqlDriver, SqlValue } from "./sql.js";
import { StoreError } from "./types.js";

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresLocation {
  /** The URL without minerhunt's own "schema" parameter. */
  connectionString: string;
  schema?: string;
}

/** Split minerhunt's "schema" parameter off a PostgreSQL URL and check it is a plain identifier. */
export function parsePostgresUrl(url: string): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError("location", `not a valid PostgreSQL URL: ${url} (expected postgres://user@host:5432/database)`);
  }
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError("location", `schema "${schema}" in ${parsed.host}: expected letters, digits and _ only`);
  }
  return schema === undefined ? { connectionString: parsed.toString() } : { connectionString: parsed.toString(), schema };
}

/** "?" placeholders become $1, $2, ... (the store's own SQL never has "?" inside a literal). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = "";
  for (const ch of sql) out += ch === "?" ? `$${++n}` : ch;
  return out;
}

function connOf(client: pg.PoolClient): SqlConn {
  const query = async (sql: string, params: readonly SqlValue[] = []): Promise<pg.QueryResult<Row>> =>
    client.query<Row>(numberPlaceholders(sql), params as SqlValue[]);
  return {
    all: async (sql, params) => (await query(sql, params)).rows,
    get: async (sql, params) => (await query(sql, params)).rows[0],
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    exec: async (sql) => { await client.query(sql); },
  };
}

/** Any number will do as long as every minerhunt process uses the same one (migrations use another). */
const PG_SCHEMA_LOCK = 7_316_030;

/**
 * Several processes may see the schema missing at once. IF NOT EXISTS alone still races (two concurrent
 * CREATEs collide on pg_namespace's unique index), so creation is serialised by a transaction-scoped
 * advisory lock: the second process waits, then finds the schema there and creates nothing.
 */
async function createSchemaOnce(client: pg.PoolClient, schema: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [PG_SCHEMA_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

export async function openPostgresDriver(url: string): Promise<SqlDriver> {
  const location = parsePostgresUrl(url);
  const config: pg.PoolConfig = { connectionString: location.connectionString, max: 4, connectionTimeoutMillis: 10_000 };
  if (location.schema) {
    // Set per connection by the server at startup, so every pooled client sees the same tables.
    config.options = `-c search_path=${location.schema}`;
  }
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the next query reports the error.
  pool.on("error", () => undefined);

  if (location.schema) {
    const client = await pool.connect();
    try {
      // Looked up first: a user allowed to use an existing schema may not be allowed to create one.
      const found = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [location.schema]);
      if (found.rowCount === 0) await createSchemaOnce(client, location.schema);
    } finally {
      client.release();
    }
  }

  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      if (err instanceof Error && /terminat|connection/i.test(err.message)) broken = err;
      throw err;
    } finally {
      client.release(broken);
    }
  };

  return {
    dialect: "postgres",
    withConnection: (fn) => withClient((client) => fn(connOf(client))),
    withTransaction: (fn) => withClient(async (client) => {
      await client.query("BEGIN");
      try {
        const result = await fn(connOf(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    }),
    // PostgreSQL checks constraints as it writes; dangling links are checked by the store itself.
    nativeIntegrityCheck: () => Promise.resolve([]),
    close: () => pool.end(),
  };
}
