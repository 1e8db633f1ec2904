/**
 * SQLite backend driver (better-sqlite3). One file, WAL journal so readers do not block the writer and a
 * killed process leaves the last committed state; writes take the lock up front with BEGIN IMMEDIATE.
 *
 * better-sqlite3 is synchronous, but the store is written async for PostgreSQL's sake. Between two
 * awaits of one transaction another caller could slip a statement onto the same connection, so every
 * block runs under a simple queue: one block at a time.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Row, SqlConn, SqlDriver, SqlValue } from "./sql.js";

/** How long a writer waits for another process's write lock before giving up (ms). */
const BUSY_TIMEOUT_MS = 10_000;
const STATEMENT_CACHE_LIMIT = 200;

/**
 * One queue per database file in this process. Two stores opened on one file must not interleave
 * either: the second's BEGIN IMMEDIATE would block the whole thread in SQLite's busy wait while the
 * first, on the same thread, could never finish.
 */
const queues = new Map<string, { tail: Promise<unknown> }>();

export function openSqliteDriver(path: string): SqlDriver {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; only a power loss may drop the last commit.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");

  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };

  const conn: SqlConn = {
    all: (sql, params = []) => Promise.resolve(prepare(sql).all(...params) as Row[]),
    get: (sql, params = []) => Promise.resolve(prepare(sql).get(...params) as Row | undefined),
    run: (sql, params = []) => {
      const stmt = prepare(sql);
      // A statement with RETURNING reads rows; run() would refuse it.
      if (stmt.reader) {
        const rows = stmt.all(...(params as SqlValue[]));
        return Promise.resolve({ changes: rows.length });
      }
      return Promise.resolve({ changes: stmt.run(...params).changes });
    },
    exec: (sql) => {
      db.exec(sql);
      return Promise.resolve();
    },
  };

  const key = path === ":memory:" ? `:memory:${Math.random()}` : resolve(path);
  let queue = queues.get(key);
  if (!queue) {
    queue = { tail: Promise.resolve() };
    queues.set(key, queue);
  }
  const shared = queue;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = shared.tail.then(fn, fn);
    shared.tail = result.catch(() => undefined);
    return result;
  };

  return {
    dialect: "sqlite",
    withConnection: (fn) => serial(() => fn(conn)),
    withTransaction: (fn) => serial(async () => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(conn);
        db.exec("COMMIT");
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw err;
      }
    }),
    nativeIntegrityCheck: () => serial(() => {
      const problems: string[] = [];
      for (const row of db.pragma("integrity_check") as Row[]) {
        const msg = row["integrity_check"];
        if (msg !== "ok") problems.push(`sqlite integrity_check: ${String(msg)}`);
      }
      for (const row of db.pragma("foreign_key_check") as Row[]) {
        problems.push(`sqlite foreign_key_check: table ${String(row["table"])} row ${String(row["rowid"])} -> ${String(row["parent"])}`);
      }
      return Promise.resolve(problems);
    }),
    close: () => serial(() => {
      cache.clear();
      db.close();
      return Promise.resolve();
    }),
  };
}
