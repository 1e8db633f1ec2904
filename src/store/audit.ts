/**
 * Hash chain of the audit log. Each record's hash covers its own fields and the previous record's
 * hash, so changing, removing or reordering any stored record breaks every hash after it.
 * (Cutting records off the end leaves a valid shorter chain: keep the head hash somewhere else,
 * e.g. in the incident report, to detect that.)
 */
import { createHash } from "node:crypto";
import type { AuditRecord, AuditVerification } from "./types.js";

/** JSON with object keys sorted, so the same details always give the same text and hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; stored as null like JSON.stringify does in arrays.
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The stored fields a hash covers, exactly as stored (details as their canonical text). */
export interface AuditHashInput {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  incidentId: string | null;
  detailsJson: string;
  prevHash: string;
}

export function auditHash(r: AuditHashInput): string {
  // A JSON array of the fields: unambiguous where the fields themselves contain separators.
  const text = JSON.stringify([r.seq, r.at, r.actor, r.action, r.target, r.incidentId, r.detailsJson, r.prevHash]);
  return createHash("sha256").update(text).digest("hex");
}

/** Fields of a stored record as the hash sees them. */
export function hashInputOf(r: AuditRecord, detailsJson: string): AuditHashInput {
  return {
    seq: r.seq, at: r.at, actor: r.actor, action: r.action,
    target: r.target ?? null, incidentId: r.incidentId ?? null, detailsJson, prevHash: r.prevHash,
  };
}

/**
 * Checks stored records one at a time in seq order (the log may be too long to hold at once).
 * Each record comes with its details text exactly as stored.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = "";
  private count = 0;
  private failure: AuditVerification | undefined;

  /** False once the chain is broken (later records need not be read). */
  push(record: AuditRecord, detailsJson: string): boolean {
    if (this.failure) return false;
    this.count++;
    const fail = (reason: string): boolean => {
      this.failure = { ok: false, count: this.count, brokenAt: record.seq, reason };
      return false;
    };
    if (record.seq !== this.expectedSeq) return fail(`record ${record.seq} follows ${this.expectedSeq - 1}: a record is missing`);
    if (record.prevHash !== this.prevHash) return fail(`record ${record.seq} does not point at the hash of record ${this.expectedSeq - 1}`);
    if (auditHash(hashInputOf(record, detailsJson)) !== record.hash) return fail(`record ${record.seq} was changed after it was written`);
    this.prevHash = record.hash;
    this.expectedSeq++;
    return true;
  }

  result(): AuditVerification {
    if (this.failure) return this.failure;
    return this.count === 0
      ? { ok: true, count: 0 }
      : { ok: true, count: this.count, head: { seq: this.expectedSeq - 1, hash: this.prevHash } };
  }
}
