/**
 * PostgreSQL write locks by what a write touches, not one lock for the database. Keys are the join keys of
 * the model (model/entities.ts: a host, an address, an instance, an account…), the incident ids, "campaigns"
 * and the audit chain. They are hashed onto a fixed set of stripes so a scan of thousands of incidents takes
 * at most LOCK_STRIPES locks (PostgreSQL's lock table is small), taken in stripe order so two writers never
 * deadlock. A shared stripe between unrelated keys only makes two writes take turns, never unsafe.
 */
import type { Incident } from "../model/index.js";
import { joinKeys } from "../model/index.js";
import type { SqlConn } from "./sql.js";
import type { ScanInput } from "./types.js";

export const LOCK_STRIPES = 256;
/** The advisory-lock class of minerhunt's write stripes (two-key form: class, stripe). */
const LOCK_CLASS = 7_316_032;
export const AUDIT_LOCK = "audit";
const CAMPAIGNS_LOCK = "campaigns";

/** FNV-1a of the key, onto a stripe. */
export function stripeOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % LOCK_STRIPES;
}

export function incidentLockKeys(inc: Pick<Incident, "id" | "entities">): string[] {
  const entities = inc.entities ?? {};
  return [`incident:${inc.id}`, ...joinKeys(entities, "identity"), ...joinKeys(entities, "window")];
}

/** A scan locks every entity its incidents could join a stored incident through (and the campaigns when it has any). */
export function scanLockKeys(scan: Pick<ScanInput, "incidents" | "campaigns" | "marks">): string[] {
  const keys = scan.incidents.flatMap(incidentLockKeys);
  if (scan.campaigns?.length || scan.marks) keys.push(CAMPAIGNS_LOCK);
  return keys;
}

export async function lockStripes(conn: SqlConn, keys: readonly string[]): Promise<void> {
  const stripes = [...new Set(keys.map(stripeOf))].sort((a, b) => a - b);
  for (const s of stripes) await conn.get(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${s})`);
}
