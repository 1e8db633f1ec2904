/**
 * One line of a raw audit.log, as auditd writes it (log_format RAW or ENRICHED):
 *
 *   [node=NAME ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL): key=value key="value" ...[\x1dKEY="name" ...]
 *
 * Values are bare words, "double-quoted" strings or (for user-space records) a 'single-quoted' msg. The
 * kernel never puts a quote inside a quoted value: any string that could hold a space, a quote or a
 * control byte is written as upper-case hex instead, unquoted. So a field the kernel treats as untrusted
 * text (exe, comm, cwd, name, proctitle, the EXECVE arguments) is either quoted (literal) or bare hex
 * (encoded); decodeText tells them apart. In ENRICHED format, a 0x1D byte separates the raw fields from the
 * names auditd resolved (UID="root", SYSCALL=execve).
 *
 * Bounded: at most MAX_FIELDS fields per record; the scan is one linear pass with no regex over the line.
 */
import type { SocketAddress } from "./sockaddr.js";

/** The kernel caps a record near 8 KiB, so a few hundred fields is already generous. */
const MAX_FIELDS = 2048;
const GROUP_SEPARATOR = "\x1d";

export interface FieldValue {
  value: string;
  /** Written in quotes: literal text, never hex. */
  quoted: boolean;
}

export interface AuditRecord {
  type: string;
  node?: string;
  /** Seconds since the epoch with milliseconds, as written ("1700000000.123"). */
  time: string;
  serial: string;
  fields: Map<string, FieldValue>;
  /** ENRICHED names after 0x1D (UID → "root"), empty in RAW format. */
  enriched: Map<string, string>;
  line: number;
  /**
   * A SOCKADDR's address already decoded by whoever built the record from another format (Laurel's
   * translated SADDR); a record read from audit.log carries saddr= hex instead.
   */
  address?: SocketAddress;
}

export type ParseResult = { record: AuditRecord } | { error: string };

/**
 * Parse one line, or say why it is not a whole audit record. `wantFields(type)` false skips reading the
 * fields of a record type the caller passes over (the stamp is still checked).
 */
export function parseAuditLine(text: string, line: number, wantFields: (type: string) => boolean = () => true): ParseResult {
  let rest = text;
  let node: string | undefined;
  if (rest.startsWith("node=")) {
    const space = rest.indexOf(" ");
    if (space === -1) return { error: "record cut short after node=" };
    node = rest.slice(5, space);
    rest = rest.slice(space + 1);
  }
  if (!rest.startsWith("type=")) return { error: 'not an audit record: expected "type=TYPE msg=audit(SECONDS:SERIAL):"' };
  const space = rest.indexOf(" ");
  if (space === -1) return { error: "record cut short after type=" };
  const type = rest.slice(5, space);
  rest = rest.slice(space + 1);
  if (!rest.startsWith("msg=audit(")) return { error: `record of type ${clipForIssue(type)} has no msg=audit(SECONDS:SERIAL) stamp` };
  const close = rest.indexOf(")", 10);
  if (close === -1) return { error: `record of type ${clipForIssue(type)} cut short inside its msg=audit(...) stamp` };
  const stamp = rest.slice(10, close);
  const colon = stamp.indexOf(":");
  const time = colon === -1 ? "" : stamp.slice(0, colon);
  const serial = colon === -1 ? "" : stamp.slice(colon + 1);
  if (!isDecimal(time, true) || !isDecimal(serial, false)) return { error: `bad msg=audit(${clipForIssue(stamp)}) stamp: expected SECONDS.MILLIS:SERIAL` };
  // Most records follow the stamp with ": "; a few daemon records use " " (DAEMON_CONFIG).
  if (!wantFields(type)) {
    const bare: AuditRecord = { type, time, serial, fields: new Map(), enriched: new Map(), line };
    if (node !== undefined) bare.node = node;
    return { record: bare };
  }
  let body = rest.slice(close + 1);
  if (body.startsWith(":")) body = body.slice(1);

  const enriched = new Map<string, string>();
  const gs = body.indexOf(GROUP_SEPARATOR);
  if (gs !== -1) {
    const names = splitFieldList(body.slice(gs + 1));
    if ("error" in names) return names;
    for (const [k, v] of names.fields) enriched.set(k, v.value);
    body = body.slice(0, gs);
  }
  const parsed = splitFieldList(body);
  if ("error" in parsed) return { error: `record of type ${clipForIssue(type)}: ${parsed.error}` };
  const record: AuditRecord = { type, time, serial, fields: parsed.fields, enriched, line };
  if (node !== undefined) record.node = node;
  return { record };
}

/** key=value pairs separated by blanks; a value may be quoted with " or '. Also reads a user-space msg='...'. */
export function splitFieldList(text: string): { fields: Map<string, FieldValue> } | { error: string } {
  const fields = new Map<string, FieldValue>();
  let i = 0;
  const n = text.length;
  // The next "=" at or after i, kept between words so a run of bare words is not searched twice.
  let eq = -1;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 0x20) i++;
    if (i >= n) break;
    if (eq < i) eq = text.indexOf("=", i);
    if (eq === -1) break;
    const nextSpace = text.indexOf(" ", i);
    if (nextSpace !== -1 && nextSpace < eq) {
      // A bare word with no "=" (DAEMON_START's "auditd start,"): skip it.
      i = nextSpace === -1 ? n : nextSpace;
      continue;
    }
    const key = text.slice(i, eq);
    i = eq + 1;
    const q = text[i];
    let value: string;
    let quoted = false;
    if (q === '"' || q === "'") {
      const end = text.indexOf(q, i + 1);
      if (end === -1) return { error: `value of ${clipForIssue(key)} has no closing quote (record cut short?)` };
      value = text.slice(i + 1, end);
      quoted = true;
      i = end + 1;
    } else {
      const end = text.indexOf(" ", i);
      value = end === -1 ? text.slice(i) : text.slice(i, end);
      i = end === -1 ? n : end;
    }
    if (fields.size >= MAX_FIELDS) return { error: `more than ${MAX_FIELDS} fields` };
    // The first occurrence wins: user-space records repeat keys inside msg='...', which is kept whole.
    if (!fields.has(key)) fields.set(key, { value, quoted });
  }
  return { fields };
}

function isDecimal(text: string, allowDot: boolean): boolean {
  if (text.length === 0 || text.length > 24) return false;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e && allowDot && dots++ === 0) continue;
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function isUpperHex(text: string): boolean {
  if (text.length === 0 || text.length % 2 !== 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

/**
 * An untrusted-text field as the process wrote it: quoted values are literal, bare upper-case hex is
 * decoded (invalid UTF-8 replaced), "(null)" and "?" mean absent. Other bare words are kept as written.
 */
export function decodeText(field: FieldValue | undefined): string | undefined {
  if (field === undefined) return undefined;
  if (field.quoted) return field.value;
  if (field.value === "(null)" || field.value === "?" || field.value === "") return undefined;
  if (isUpperHex(field.value)) return Buffer.from(field.value, "hex").toString("utf8");
  return field.value;
}

/** The raw bare value of a numeric or keyword field ("success=yes", "pid=42"). */
export function bare(record: AuditRecord, key: string): string | undefined {
  return record.fields.get(key)?.value;
}

/** A decimal field as a number, or undefined. */
export function numberField(record: AuditRecord, key: string): number | undefined {
  const v = record.fields.get(key)?.value;
  if (v === undefined || !isDecimal(v, false)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The audit timestamp "1700000000.123" as ISO 8601 UTC. */
export function auditTimeIso(time: string): string | undefined {
  const ms = Math.round(Number(time) * 1000);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function clipForIssue(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 60 ? `${clean.slice(0, 60)}...` : clean;
}
