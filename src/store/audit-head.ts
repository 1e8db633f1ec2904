/**
 * The head of the audit chain kept OUTSIDE the database. The hash chain (audit.ts) shows a record that was
 * edited, removed or reordered, but cutting records off the end leaves a valid shorter chain, and someone who
 * holds the database can also append a forged tail. The head file closes that gap: after every committed
 * append the store adds one line `{"seq":N,"hash":"…","at":"…"}` to it, and verification checks that the
 * database still holds record N with that hash and nothing past it that the file does not know.
 *
 * The file is only ever appended to, so it can live where the database's holder cannot rewrite it: a file
 * with `chattr +a` owned by another user, a write-once mount, or a path a log shipper forwards to the SIEM.
 * Default: beside the SQLite file (`<db>.audit-head`); for PostgreSQL set MINERHUNT_AUDIT_HEAD or --head.
 */
import { appendFileSync, closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { AuditRecord, AuditVerification } from "./types.js";
import { StoreError } from "./types.js";

export interface AuditHead {
  seq: number;
  hash: string;
}

/** Bytes read from the end of the head file: the newest lines are enough (writers may finish out of order). */
const TAIL_BYTES = 16 * 1024;

export function appendAuditHead(path: string, record: Pick<AuditRecord, "seq" | "hash" | "at">): void {
  try {
    appendFileSync(path, `${JSON.stringify({ seq: record.seq, hash: record.hash, at: record.at })}\n`, { mode: 0o640 });
  } catch (err) {
    throw new StoreError("io", `audit record ${record.seq} is saved, but its head could not be written to ${path}: ${(err as Error).message}`);
  }
}

/**
 * The newest head in the file: the highest seq among its last lines (two processes that commit one after the
 * other may append their lines the other way round). Undefined when there is no file; an unreadable file is an error.
 */
export function readAuditHead(path: string): AuditHead | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StoreError("io", `cannot read the audit head ${path}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    text = buf.toString("utf8");
  } finally {
    closeSync(fd);
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (text.length >= TAIL_BYTES) lines.shift(); // the first line of the tail may be cut
  let best: AuditHead | undefined;
  for (const line of lines) {
    let v: unknown;
    try { v = JSON.parse(line); } catch { v = undefined; }
    const head = v as Partial<AuditHead> | undefined;
    if (!head || typeof head.seq !== "number" || !Number.isInteger(head.seq) || head.seq < 1 || typeof head.hash !== "string" || !/^[0-9a-f]{64}$/.test(head.hash)) {
      throw new StoreError("invalid", `${path}: not an audit head line (expected {"seq":N,"hash":"<sha256>"}): ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (!best || head.seq >= best.seq) best = { seq: head.seq, hash: head.hash }; // a later line for one seq wins
  }
  return best;
}

export interface AuditCheck {
  /** True when the chain holds and agrees with the head file (or there is no head file to agree with). */
  ok: boolean;
  /** Records in the database. */
  count: number;
  /** The database's newest record, when the chain holds. */
  head?: AuditHead;
  /** The head file's newest line, when there is one. */
  headFile?: { path: string; head?: AuditHead };
  /** What is wrong, one sentence each. */
  problems: string[];
  /** What could not be checked (no head file). */
  notes: string[];
}

/** What verification needs from a store. */
export interface AuditSource {
  verifyAuditChain(): Promise<AuditVerification>;
  auditRecords(fromSeq?: number, limit?: number): Promise<AuditRecord[]>;
}

/** Check the chain, then the chain against the head file (truncation, a forged tail). */
export async function checkAudit(store: AuditSource, headPath: string | undefined): Promise<AuditCheck> {
  const chain = await store.verifyAuditChain();
  const check: AuditCheck = { ok: chain.ok, count: chain.count, problems: [], notes: [] };
  if (!chain.ok) check.problems.push(`the chain breaks at record ${chain.brokenAt}: ${chain.reason}`);
  else if (chain.head) check.head = chain.head;
  if (headPath === undefined) {
    check.notes.push("no audit head file is configured (MINERHUNT_AUDIT_HEAD or --head): records cut off the end or a forged tail would not show");
    return check;
  }
  const fileHead = readAuditHead(headPath);
  check.headFile = fileHead ? { path: headPath, head: fileHead } : { path: headPath };
  if (!fileHead) {
    if (chain.count > 0) check.notes.push(`the audit head file ${headPath} does not exist: it is written from the next audit record on`);
    return check;
  }
  const dbCount = chain.ok ? chain.count : undefined;
  const [atHead] = await store.auditRecords(fileHead.seq, 1);
  if (!atHead || atHead.seq !== fileHead.seq) {
    const have = dbCount ?? "fewer";
    check.problems.push(`the head file says ${fileHead.seq} records, the database has ${have}: records were removed from the end`);
  } else if (atHead.hash !== fileHead.hash) {
    check.problems.push(`record ${fileHead.seq} in the database is not the one the head file recorded: history was rewritten`);
  } else if (dbCount !== undefined && dbCount > fileHead.seq) {
    check.problems.push(`${dbCount - fileHead.seq} record(s) after ${fileHead.seq} are not in the head file: written around minerhunt, or the head write failed`);
  }
  check.ok = check.problems.length === 0;
  return check;
}
