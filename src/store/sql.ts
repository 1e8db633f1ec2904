/**
 * The little SQL layer both backends implement. Statements are written once with "?" placeholders
 * (the PostgreSQL driver numbers them); rows come back as plain records read through the helpers below,
 * so no `any` leaks out of a driver.
 */

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlConn {
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Dialect = "sqlite" | "postgres";

export interface SqlDriver {
  readonly dialect: Dialect;
  /** Run fn with a connection; the SQLite driver runs one such block at a time. */
  withConnection<T>(fn: (conn: SqlConn) => Promise<T>): Promise<T>;
  /**
   * Run fn in one transaction: committed when fn resolves, rolled back when it throws.
   * SQLite takes the write lock at once (BEGIN IMMEDIATE) so two writers never deadlock mid-way.
   */
  withTransaction<T>(fn: (conn: SqlConn) => Promise<T>): Promise<T>;
  /** Database-specific integrity problems (SQLite: integrity_check and foreign_key_check). */
  nativeIntegrityCheck(): Promise<string[]>;
  close(): Promise<void>;
}

/** Column as text; PostgreSQL and SQLite may return numbers or bigints for computed values. */
export function colText(row: Row, name: string): string {
  const v = row[name];
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  throw new Error(`store: column ${name} is ${v === null ? "NULL" : typeof v}, expected text`);
}

export function colOptText(row: Row, name: string): string | undefined {
  const v = row[name];
  return v == null ? undefined : colText(row, name);
}

/** Column as a number; PostgreSQL returns BIGINT and COUNT(*) as strings. */
export function colNum(row: Row, name: string): number {
  const v = row[name];
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new Error(`store: column ${name} is ${v === null ? "NULL" : typeof v}, expected a number`);
}

export function colOptNum(row: Row, name: string): number | undefined {
  return row[name] == null ? undefined : colNum(row, name);
}

/** "?, ?, ?" for an IN list or a VALUES row. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** Split a list so statements stay under the drivers' parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
