/**
 * The arguments of an EXECVE record (or several: a long argv is split over records of one event).
 * `argc=N a0=.. a1=..`; an argument over the record limit comes in pieces: `a2_len=20000 a2[0]=.. a2[1]=..`.
 * Each value (or piece) is quoted literal text or hex (decodeText). Hex pieces are joined as bytes before
 * decoding, so a multi-byte character split across two pieces survives.
 */
import type { AuditRecord } from "./record.js";
import { decodeText, numberField } from "./record.js";

/** Arguments kept one by one; a longer argv is still counted (args_count) and reported. */
export const MAX_EXEC_ARGS = 1024;

export interface ExecArgs {
  args: string[];
  /** argc as the kernel wrote it. */
  argc?: number;
  /** Set when argc promised more arguments than the records hold (a record lost or cut). */
  missing?: number;
}

export function execArgs(records: readonly AuditRecord[]): ExecArgs {
  let argc: number | undefined;
  const pieces = new Map<number, string>();
  const split = new Map<number, Map<number, { value: string; quoted: boolean }>>();
  for (const record of records) {
    argc ??= numberField(record, "argc");
    for (const [key, field] of record.fields) {
      if (key.length < 2 || key.charCodeAt(0) !== 0x61 /* a */) continue;
      const bracket = key.indexOf("[");
      if (bracket === -1) {
        const index = argIndex(key.slice(1));
        if (index !== undefined) pieces.set(index, decodeText(field) ?? "");
        continue;
      }
      const index = argIndex(key.slice(1, bracket));
      const part = key.endsWith("]") ? argIndex(key.slice(bracket + 1, -1)) : undefined;
      if (index === undefined || part === undefined) continue;
      let parts = split.get(index);
      if (!parts) split.set(index, (parts = new Map()));
      parts.set(part, field);
    }
  }
  for (const [index, parts] of split) pieces.set(index, joinPieces(parts));
  const count = Math.min(argc ?? pieces.size, MAX_EXEC_ARGS);
  const args: string[] = [];
  let missing = 0;
  for (let i = 0; i < count; i++) {
    const value = pieces.get(i);
    if (value === undefined) missing++;
    args.push(value ?? "");
  }
  const result: ExecArgs = { args };
  if (argc !== undefined) result.argc = argc;
  if (missing > 0) result.missing = missing;
  return result;
}

function joinPieces(parts: Map<number, { value: string; quoted: boolean }>): string {
  const ordered = [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
  if (ordered.every((f) => !f.quoted)) return decodeText({ value: ordered.map((f) => f.value).join(""), quoted: false }) ?? "";
  return ordered.map((f) => decodeText(f) ?? "").join("");
}

function argIndex(text: string): number | undefined {
  if (text.length === 0 || text.length > 6) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(text);
}

/** PROCTITLE: argv as one buffer with NUL between arguments, shown with spaces. */
export function proctitleText(record: AuditRecord | undefined): string | undefined {
  if (!record) return undefined;
  const text = decodeText(record.fields.get("proctitle"));
  if (text === undefined) return undefined;
  return text.replace(/\0+$/, "").replace(/\0/g, " ");
}
