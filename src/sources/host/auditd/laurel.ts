/**
 * Laurel's JSON lines (github.com/threathunters-io/laurel, an auditd plug-in): the records of one audit
 * event joined into one JSON object per line (Laurel's json-format.md):
 *
 *   {"ID":"1615114232.375:15558","NODE":"web01","SYSCALL":{"arch":"0xc000003e","syscall":59,"ppid":10883,
 *    "pid":10884,"comm":"whoami","exe":"/usr/bin/whoami",...,"SYSCALL":"execve","UID":"root"},
 *    "EXECVE":{"argc":1,"ARGV":["whoami"]},"CWD":{"cwd":"/home/user/tmp"},"PATH":[...],"PROCTITLE":{"ARGV":["whoami"]}}
 *
 * Each object is turned back into the audit records it was joined from (an AuditGroup) and built by the
 * raw audit.log source's own code (events.ts, user-cmd.ts), so one audit event gives the same events
 * (dataset `auditd`, same fields) whichever of the two logs a host keeps. What Laurel writes differently:
 * - strings: control bytes, "%", "+" and bytes that are not UTF-8 are percent-encoded (decoded here);
 *   decimal numbers are JSON numbers, hex ones "0x..." strings (only `arch` is read as hex);
 * - EXECVE.ARGV and PROCTITLE.ARGV are lists (PROCTITLE split at its NULs); with execve-argv-limit-bytes
 *   Laurel cuts arguments out of the middle, so ARGV may hold fewer than argc;
 * - SOCKADDR is a list; `saddr` is the struct's bytes, percent-encoded, or (translate.universal) a decoded
 *   SADDR {saddr_fam, addr, port};
 * - user-space records (USER_CMD) are lists, their msg='...' already an object;
 * - Laurel tracks processes itself: the parent's comm and exe can come with the event (PARENT_INFO in
 *   older versions, SYSCALL.PPID with ppid-verbose, SYSCALL.SPAWNED_BY today), so an exec names its parent
 *   even when the parent's own exec is not in the file.
 *
 * No prefilter: the events belong to auditd's dataset, whose one declaration (AUDITD_EMITS) has no checks,
 * and a keyword scan could neither see a connect's port inside percent-encoded saddr bytes nor keep the
 * process table whole. Every line is parsed; one that is not JSON, or not a Laurel event, is reported with
 * its line number and skipped.
 */
import { ipFamily } from "../../../model/ip-text.js";
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../../types.js";
import { contentStart, LineScanner, scanInput, type RawLine } from "../../network/line-scanner.js";
import { has } from "../../cloud/sniff-json.js";
import { lineShareScore, sampleJsonLine } from "../../sniff.js";
import { isJsonObject } from "../../metrics/json-locate.js";
import { collectedHostNames } from "../collected-host.js";
import { type AuditGroup, groupEvents } from "./events.js";
import { MAX_EXEC_ARGS } from "./execve.js";
import { type KnownProcess, ProcessTable } from "./process-table.js";
import { type AuditRecord, type FieldValue, numberField, splitFieldList } from "./record.js";
import type { SocketAddress } from "./sockaddr.js";
import { AUDITD_EMITS } from "./source.js";
import { userCmdEventFromMessage } from "./user-cmd.js";

export const LAUREL_ID = "auditd.laurel";

/** Laurel's event id, the audit stamp: "SECONDS.MILLIS:SERIAL". */
const STAMP = /^(\d{1,20}\.\d{1,9}):(\d{1,20})$/;
/** Upper-case keys are names auditd (ENRICHED) or Laurel resolved: UID → "root", SYSCALL → "execve". */
const ENRICHED_KEY = /^[A-Z][A-Z0-9_-]*$/;
/** A record type name, as Laurel uses it for a top-level key ("SYSCALL", "USER_CMD"). */
const RECORD_TYPE_KEY = /^[A-Z][A-Z0-9_]*$/;
/** As record.ts bounds a raw record: a few hundred fields is already generous. */
const MAX_FIELDS_PER_RECORD = 2048;
/** SOCKADDR and USER_CMD entries read from one event (raw events are bounded to as many records). */
const MAX_LIST_ENTRIES = 512;
/** Laurel's line-prefix option; its documented use is rsyslog's CEE cookie. */
const CEE_COOKIE = "@cee:";
/** Lines a sniff parses: Laurel lines run to kilobytes, and a sniff must stay cheap. */
const SNIFF_LINES = 5;

interface Stamp {
  time: string;
  serial: string;
}

/** Where the records of one line came from. */
interface Origin extends Stamp {
  node?: string;
  line: number;
}

type Report = (line: number, message: string) => void;

export const laurelSource: Source = {
  id: LAUREL_ID,
  title: "Laurel JSON lines (auditd events joined by the Laurel plug-in: execve, connect, sudo)",
  emits: AUDITD_EMITS,

  sniff(sample: Sample): number {
    return lineShareScore(sample.lines.slice(0, SNIFF_LINES), (_line, i) => isLaurelLine(sample, i), 0.95, 0.8);
  },

  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseLaurel(input, ctx);
  },
};

async function* parseLaurel(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const processes = new ProcessTable();
  // As for audit.log: a Laurel log saved inside a collected tree takes the tree's etc/hostname when no NODE says.
  const treeHost = await collectedHostNames.forFile(input.path);
  const report: Report = (line, message) => ctx.issue(line, message);
  const scanner = new LineScanner(ctx);
  const out: Event[] = [];
  const visit = (raw: RawLine): void => {
    const start = contentStart(raw);
    if (start === raw.end) return; // blank line
    let parsed: unknown;
    try {
      parsed = JSON.parse(withoutCookie(scanner.decode(raw, start)));
    } catch (err) {
      ctx.issue(raw.line, `not valid JSON (${(err as Error).message.slice(0, 120)}); expected one Laurel event per line; line skipped`);
      return;
    }
    for (const event of laurelEvents(input.path, raw.line, parsed, processes, report)) {
      if (treeHost !== undefined) event["host.name"] ??= treeHost;
      out.push(event);
    }
  };
  yield* scanInput(input, scanner, out, visit);
}

/** The events of one parsed line (none for an audit event that says nothing a hunt reads). */
function laurelEvents(path: string, line: number, parsed: unknown, processes: ProcessTable, report: Report): Event[] {
  if (!isJsonObject(parsed)) {
    report(line, "expected a JSON object (one Laurel event per line); line skipped");
    return [];
  }
  const stamp = stampOf(parsed.ID);
  if (stamp === undefined) {
    report(line, 'no "ID" of the form "SECONDS.MILLIS:SERIAL": not a Laurel event; line skipped');
    return [];
  }
  const origin: Origin = { ...stamp, line };
  if (typeof parsed.NODE === "string") origin.node = laurelText(parsed.NODE);

  const group = kernelGroup(parsed, origin, report);
  const events = group.records.length > 0 ? groupEvents(path, group, processes, (i) => report(i.line, i.message)) : [];
  for (const event of events) addLaurelContext(event, parsed);
  events.push(...userCommands(path, parsed, origin, report));
  // The builders name the raw source; these events were read from Laurel's log.
  for (const event of events) event["minerhunt.format"] = LAUREL_ID;
  return events;
}

/**
 * The kernel records of the event, in the order the kernel writes them (so auditd.message_type lists
 * them as the raw source does). PATH records feed no event, as in the raw source.
 */
function kernelGroup(doc: Record<string, unknown>, origin: Origin, report: Report): AuditGroup {
  const records: AuditRecord[] = [];
  const syscall = recordObject(doc, "SYSCALL", origin, report);
  if (syscall) records.push(newRecord("SYSCALL", origin, scalarFields(syscall)));
  const execve = recordObject(doc, "EXECVE", origin, report);
  if (execve) records.push(execveRecord(execve, origin));
  for (const entry of recordList(doc, "SOCKADDR", origin, report)) records.push(sockaddrRecord(entry, origin));
  const cwd = recordObject(doc, "CWD", origin, report);
  if (cwd) records.push(newRecord("CWD", origin, scalarFields(cwd)));
  const proctitle = recordObject(doc, "PROCTITLE", origin, report);
  if (proctitle) records.push(proctitleRecord(proctitle, origin));
  const group: AuditGroup = { time: origin.time, serial: origin.serial, records };
  if (origin.node !== undefined) group.node = origin.node;
  return group;
}

/** EXECVE: Laurel's ARGV list back to a0, a1, ... */
function execveRecord(object: Record<string, unknown>, origin: Origin): AuditRecord {
  const record = newRecord("EXECVE", origin, scalarFields(object));
  const argv = object.ARGV;
  if (!Array.isArray(argv)) {
    // ARGV_STR alone (execve-argv = ["string"]) cannot be split back into arguments: argc would only
    // report them all missing. The command line is taken from ARGV_STR afterwards (addLaurelContext).
    record.fields.delete("argc");
    return record;
  }
  const count = Math.min(argv.length, MAX_EXEC_ARGS);
  for (let i = 0; i < count; i++) record.fields.set(`a${i}`, { value: textOf(argv[i]), quoted: true });
  // execve-argv-limit-bytes puts one "<<< Skipped ... >>>" marker in place of the arguments it cut: argc
  // then counts more than ARGV holds by Laurel's choice, not because a record was lost. argc is restored
  // as process.args_count afterwards.
  if (numberField(record, "argc") !== argv.length) record.fields.delete("argc");
  return record;
}

/** PROCTITLE: Laurel's list (split at NULs) joined back with NULs, as the kernel's buffer holds them. */
function proctitleRecord(object: Record<string, unknown>, origin: Origin): AuditRecord {
  const argv = object.ARGV;
  if (!Array.isArray(argv)) return newRecord("PROCTITLE", origin, scalarFields(object));
  const record = newRecord("PROCTITLE", origin, { fields: new Map(), enriched: new Map() });
  record.fields.set("proctitle", { value: argv.slice(0, MAX_EXEC_ARGS).map(textOf).join("\0"), quoted: true });
  return record;
}

/** SOCKADDR: the struct's bytes back to the kernel's hex, or the address Laurel already decoded. */
function sockaddrRecord(object: Record<string, unknown>, origin: Origin): AuditRecord {
  const record = newRecord("SOCKADDR", origin, { fields: new Map(), enriched: new Map() });
  const saddr = object.saddr;
  if (typeof saddr === "string") {
    record.fields.set("saddr", { value: sockaddrHex(saddr), quoted: false });
    return record;
  }
  const address = translatedAddress(object.SADDR);
  if (address !== undefined) record.address = address;
  return record;
}

/**
 * The kernel's upper-case hex of a Laurel saddr. Laurel percent-encodes the bytes; every socket address
 * holds a NUL (the high byte of its little-endian family), so a value with no "%" that is all hex digits
 * is the kernel's hex passed through unchanged.
 */
function sockaddrHex(saddr: string): string {
  if (!saddr.includes("%") && /^[0-9A-Fa-f]*$/.test(saddr)) return saddr.toUpperCase();
  return laurelBytes(saddr).toString("hex").toUpperCase();
}

/** translate.universal's SADDR {saddr_fam, addr, port}: an IPv4/IPv6 peer, checked (log text is untrusted). */
function translatedAddress(value: unknown): SocketAddress | undefined {
  if (!isJsonObject(value)) return undefined;
  const { saddr_fam: family, addr, port } = value;
  if (family !== "inet" && family !== "inet6") return undefined;
  if (typeof addr !== "string" || typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  const ip = addr.toLowerCase();
  return ipFamily(ip) === (family === "inet" ? 4 : 6) ? { family, ip, port } : undefined;
}

/** sudo's USER_CMD records (user space: each its own Laurel event), built as the raw source builds them. */
function userCommands(path: string, doc: Record<string, unknown>, origin: Origin, report: Report): Event[] {
  const events: Event[] = [];
  for (const entry of recordList(doc, "USER_CMD", origin, report)) {
    const record = newRecord("USER_CMD", origin, scalarFields(entry));
    const inner = userCmdMessage(entry.msg);
    if ("error" in inner) {
      report(origin.line, `${inner.error}; record skipped`);
      continue;
    }
    const event = userCmdEventFromMessage(path, record, inner.fields);
    if (event) events.push(event);
  }
  return events;
}

/** msg='...' as Laurel wrote it: split into an object, or left as text when Laurel could not split it. */
function userCmdMessage(msg: unknown): { fields: ReadonlyMap<string, FieldValue> } | { error: string } {
  if (isJsonObject(msg)) return { fields: scalarFields(msg).fields };
  if (typeof msg !== "string") return { error: "USER_CMD without its msg part" };
  const split = splitFieldList(laurelText(msg));
  return "error" in split ? { error: `USER_CMD msg: ${split.error}` } : split;
}

/** What the raw builder cannot know from the records: Laurel's argc, ARGV_STR and parent context. */
function addLaurelContext(event: Event, doc: Record<string, unknown>): void {
  const categories = event["event.category"];
  const execve = isJsonObject(doc.EXECVE) ? doc.EXECVE : undefined;
  if (execve && Array.isArray(categories) && categories.includes("process")) {
    const argc = execve.argc;
    if (event["process.args"] !== undefined && typeof argc === "number" && Number.isSafeInteger(argc) && argc >= 0) event["process.args_count"] = argc;
    if (event["process.args"] === undefined && typeof execve.ARGV_STR === "string") event["process.command_line"] = laurelText(execve.ARGV_STR);
  }
  const syscall = isJsonObject(doc.SYSCALL) ? doc.SYSCALL : undefined;
  const parent = laurelParent(doc, syscall);
  // Laurel saw the parent itself (from the audit stream and /proc); the table only knows this file.
  if (parent?.name !== undefined) event["process.parent.name"] = parent.name;
  if (parent?.executable !== undefined) event["process.parent.executable"] = parent.executable;
}

/**
 * The parent as Laurel describes it: PARENT_INFO (older versions), SYSCALL.PPID (comm and exe only with
 * ppid-verbose), or SYSCALL.SPAWNED_BY when its pid is the parent's: after an exec without fork,
 * SPAWNED_BY is the process's own previous program, not its parent.
 */
function laurelParent(doc: Record<string, unknown>, syscall: Record<string, unknown> | undefined): KnownProcess | undefined {
  const spawnedBy = syscall?.SPAWNED_BY;
  const spawner = isJsonObject(spawnedBy) && typeof syscall?.ppid === "number" && spawnedBy.pid === syscall.ppid ? spawnedBy : undefined;
  for (const candidate of [doc.PARENT_INFO, syscall?.PPID, spawner]) {
    const known = knownProcess(candidate);
    if (known !== undefined) return known;
  }
  return undefined;
}

function knownProcess(value: unknown): KnownProcess | undefined {
  if (!isJsonObject(value)) return undefined;
  const known: KnownProcess = {};
  if (typeof value.comm === "string" && value.comm !== "") known.name = laurelText(value.comm);
  if (typeof value.exe === "string" && value.exe !== "") known.executable = laurelText(value.exe);
  return known.name !== undefined || known.executable !== undefined ? known : undefined;
}

function newRecord(type: string, origin: Origin, parts: { fields: Map<string, FieldValue>; enriched: Map<string, string> }): AuditRecord {
  const record: AuditRecord = { type, time: origin.time, serial: origin.serial, fields: parts.fields, enriched: parts.enriched, line: origin.line };
  if (origin.node !== undefined) record.node = origin.node;
  return record;
}

/**
 * A record's scalar values in the raw record's terms: strings are literal text (as quoted raw values are),
 * numbers bare decimals, `arch` bare hex; upper-case keys are the ENRICHED names. null (the kernel's
 * "(null)"), lists (SYSCALL.ARGV) and objects (Laurel's PID/PPID context) have no key=value form.
 */
function scalarFields(object: Record<string, unknown>): { fields: Map<string, FieldValue>; enriched: Map<string, string> } {
  const fields = new Map<string, FieldValue>();
  const enriched = new Map<string, string>();
  let seen = 0;
  for (const key of Object.keys(object)) {
    if (++seen > MAX_FIELDS_PER_RECORD) break;
    const value = object[key];
    if (typeof value === "string") {
      const text = laurelText(value);
      if (ENRICHED_KEY.test(key)) enriched.set(key, text);
      else if (key === "arch") fields.set(key, { value: text.startsWith("0x") ? text.slice(2) : text, quoted: false });
      else fields.set(key, { value: text, quoted: true });
    } else if (typeof value === "number" && Number.isFinite(value)) {
      fields.set(key, { value: String(value), quoted: false });
    }
  }
  return { fields, enriched };
}

/** A record Laurel writes as one object; a wrong shape is reported and the record left out. */
function recordObject(doc: Record<string, unknown>, type: string, origin: Origin, report: Report): Record<string, unknown> | undefined {
  const value = doc[type];
  if (value === undefined || value === null) return undefined;
  if (isJsonObject(value)) return value;
  report(origin.line, `${type} is not a JSON object; that record is left out`);
  return undefined;
}

/** A record Laurel writes as a list of objects (one object is taken as a list of one), bounded as the raw source bounds an event. */
function recordList(doc: Record<string, unknown>, type: string, origin: Origin, report: Report): Record<string, unknown>[] {
  const value = doc[type];
  if (isJsonObject(value)) return [value];
  if (!Array.isArray(value)) return [];
  if (value.length > MAX_LIST_ENTRIES) report(origin.line, `${type} has over ${MAX_LIST_ENTRIES} entries; the rest were skipped`);
  return value.slice(0, MAX_LIST_ENTRIES).filter(isJsonObject);
}

function stampOf(id: unknown): Stamp | undefined {
  if (typeof id !== "string") return undefined;
  const match = STAMP.exec(id);
  return match ? { time: match[1]!, serial: match[2]! } : undefined;
}

function textOf(value: unknown): string {
  return typeof value === "string" ? laurelText(value) : "";
}

/**
 * A Laurel string as the text it stands for. Laurel percent-encodes control bytes, "%", "+" and bytes that
 * are not UTF-8 ("%25" is "%"); the bytes are decoded as UTF-8 with invalid sequences replaced, as the raw
 * source decodes the kernel's hex. A "%" not followed by two hex digits is kept as written.
 */
function laurelText(text: string): string {
  return text.includes("%") ? laurelBytes(text).toString("utf8") : text;
}

function laurelBytes(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  // Decoding only shortens: the bytes are rewritten in place.
  let out = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x25 && i + 2 < bytes.length) {
      const high = hexDigit(bytes[i + 1]!);
      const low = hexDigit(bytes[i + 2]!);
      if (high >= 0 && low >= 0) {
        bytes[out++] = high * 16 + low;
        i += 2;
        continue;
      }
    }
    bytes[out++] = byte;
  }
  return bytes.subarray(0, out);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function withoutCookie(text: string): string {
  return text.startsWith(CEE_COOKIE) ? text.slice(CEE_COOKIE.length).trimStart() : text;
}

/** One Laurel event: a JSON object with an audit stamp as ID and at least one audit record in it. */
function isLaurelLine(sample: Sample, index: number): boolean {
  const trimmed = sample.lines[index]!.trimStart();
  const text = withoutCookie(trimmed);
  if (!text.startsWith("{") || !has(text, '"ID"')) return false;
  // Without a cookie the line is what the other JSON-lines sniffers read: parsed once for all of them.
  const doc = text === trimmed ? sampleJsonLine(sample, index) : parsedOrUndefined(text);
  if (!isJsonObject(doc) || stampOf(doc.ID) === undefined) return false;
  return Object.keys(doc).some((key) => key !== "ID" && key !== "NODE" && RECORD_TYPE_KEY.test(key) && typeof doc[key] === "object" && doc[key] !== null);
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a broken line, or one cut by the end of the sample
  }
}
