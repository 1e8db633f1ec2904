/**
 * Builds valid EVTX files from event descriptions, for tests and the bench: file header, 64 KiB chunks,
 * records whose BinXML is a template instance (the definition inline on the template's first use in a
 * chunk, referenced by offset afterwards, as Windows does), typed substitution values and every CRC-32.
 * Written from the format description (libyal's EVTX notes, [MS-EVEN6]); reading its output back is a
 * check of the reader, and `evtxexport` reading it is a check of both.
 */
import { crc32 } from "../evtx/crc32.js";

export type BuildValue =
  | string
  | { type: "uint8" | "uint16" | "uint32" | "int32" | "hex32"; value: number }
  | { type: "uint64" | "hex64"; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "guid" | "sid" | "binary"; value: string }
  | { type: "filetime" | "systime"; value: Date }
  | { type: "strings"; value: string[] }
  | { type: "null" };

export interface BuildEvent {
  provider: string;
  providerGuid?: string;
  eventId: number;
  channel: string;
  computer: string;
  time: Date;
  userSid?: string;
  processId?: number;
  threadId?: number;
  level?: number;
  task?: number;
  keywords?: bigint;
  data: [string, BuildValue][];
}

const TYPE_CODE = { string: 0x01, uint8: 0x04, uint16: 0x06, int32: 0x07, uint32: 0x08, uint64: 0x0a, bool: 0x0d, binary: 0x0e, guid: 0x0f,
  filetime: 0x11, systime: 0x12, sid: 0x13, hex32: 0x14, hex64: 0x15, strings: 0x81, null: 0x00 } as const;

const CHUNK = 65536;
const EPOCH_DIFF_MS = 11644473600000n;

/** A growable little-endian byte writer. */
class Writer {
  buf = Buffer.alloc(4096);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): this { this.ensure(1); this.buf[this.len++] = v; return this; }
  u16(v: number): this { this.ensure(2); this.buf.writeUInt16LE(v, this.len); this.len += 2; return this; }
  u32(v: number): this { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; return this; }
  u64(v: bigint): this { this.ensure(8); this.buf.writeBigUInt64LE(v, this.len); this.len += 8; return this; }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.len); this.len += b.length; return this; }
  patch32(at: number, v: number): void { this.buf.writeUInt32LE(v >>> 0, at); }
  done(): Buffer { return this.buf.subarray(0, this.len); }
}

function fileTime(d: Date): bigint {
  return (BigInt(d.getTime()) + EPOCH_DIFF_MS) * 10000n;
}

function guidBytes(text: string): Buffer {
  const h = text.replace(/[{}-]/g, "");
  const b = Buffer.from(h, "hex");
  const out = Buffer.alloc(16);
  out.writeUInt32LE(b.readUInt32BE(0), 0);
  out.writeUInt16LE(b.readUInt16BE(4), 4);
  out.writeUInt16LE(b.readUInt16BE(6), 6);
  b.copy(out, 8, 8, 16);
  return out;
}

function sidBytes(text: string): Buffer {
  const parts = text.split("-").slice(1).map((p) => BigInt(p));
  const subs = parts.slice(2);
  const out = Buffer.alloc(8 + subs.length * 4);
  out[0] = Number(parts[0]);
  out[1] = subs.length;
  out.writeUIntBE(Number(parts[1]), 2, 6);
  subs.forEach((s, i) => out.writeUInt32LE(Number(s), 8 + i * 4));
  return out;
}

function valueBytes(v: BuildValue): { type: number; bytes: Buffer } {
  if (typeof v === "string") return { type: TYPE_CODE.string, bytes: Buffer.from(v, "utf16le") };
  const w = new Writer();
  switch (v.type) {
    case "uint8": w.u8(v.value); break;
    case "uint16": w.u16(v.value); break;
    case "uint32": case "hex32": w.u32(v.value); break;
    case "int32": w.buf.writeInt32LE(v.value, 0); w.len = 4; break;
    case "uint64": case "hex64": w.u64(v.value); break;
    case "bool": w.u32(v.value ? 1 : 0); break;
    case "guid": w.bytes(guidBytes(v.value)); break;
    case "sid": w.bytes(sidBytes(v.value)); break;
    case "binary": w.bytes(Buffer.from(v.value, "hex")); break;
    case "filetime": w.u64(fileTime(v.value)); break;
    case "systime": {
      const d = v.value;
      for (const n of [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]) w.u16(n);
      break;
    }
    case "strings": w.bytes(Buffer.from(v.value.map((s) => `${s}\u0000`).join(""), "utf16le")); break;
    case "null": break;
  }
  return { type: TYPE_CODE[v.type], bytes: Buffer.from(w.done()) };
}

/** Windows' name hash: h = h * 65599 + c over UTF-16 units, low 16 bits stored. */
function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

/** Element skeleton of a template: attributes and content are either literal text or a slot. */
interface TNode { name: string; attrs: [string, number][]; content: (TNode | number | string)[]; literalName?: string }

/** Writes template body tokens at chunk position `base + w.len` (names inline, so offsets are absolute). */
function writeElement(w: Writer, base: number, el: TNode, types: number[]): void {
  const start = w.len;
  w.u8(el.attrs.length > 0 ? 0x41 : 0x01).u16(0xffff);
  const sizeAt = w.len;
  w.u32(0);
  writeName(w, base, el.name);
  if (el.attrs.length > 0) {
    const listAt = w.len;
    w.u32(0);
    el.attrs.forEach(([name, slot], i) => {
      w.u8(i < el.attrs.length - 1 ? 0x46 : 0x06);
      writeName(w, base, name);
      w.u8(0x0e).u16(slot).u8(types[slot]!);
    });
    w.patch32(listAt, w.len - listAt - 4);
  }
  if (el.content.length === 0) w.u8(0x03);
  else {
    w.u8(0x02);
    for (const c of el.content) {
      if (typeof c === "number") w.u8(0x0e).u16(c).u8(types[c]!);
      else if (typeof c === "string") { const b = Buffer.from(c, "utf16le"); w.u8(0x05).u8(0x01).u16(c.length).bytes(b); }
      else writeElement(w, base, c, types);
    }
    w.u8(0x04);
  }
  w.patch32(sizeAt, w.len - start - 7);
}

function writeName(w: Writer, base: number, name: string): void {
  w.u32(base + w.len + 4); // points right after itself: the name is stored inline
  w.u32(0).u16(nameHash(name)).u16(name.length).bytes(Buffer.from(name, "utf16le")).u16(0);
}

/** The template skeleton and its values for one event (one template per provider, id and field list). */
function skeleton(e: BuildEvent): { key: string; root: TNode; values: BuildValue[]; recordSlot: number } {
  const values: BuildValue[] = [];
  const slot = (v: BuildValue): number => values.push(v) - 1;
  const recordSlot = slot({ type: "uint64", value: 0n });
  const sys: TNode = { name: "System", attrs: [], content: [
    { name: "Provider", attrs: [["Name", slot(e.provider)], ["Guid", slot({ type: "guid", value: e.providerGuid ?? "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}" })]], content: [] },
    { name: "EventID", attrs: [], content: [slot({ type: "uint16", value: e.eventId })] },
    { name: "Version", attrs: [], content: [slot({ type: "uint8", value: 5 })] },
    { name: "Level", attrs: [], content: [slot({ type: "uint8", value: e.level ?? 4 })] },
    { name: "Task", attrs: [], content: [slot({ type: "uint16", value: e.task ?? 0 })] },
    { name: "Opcode", attrs: [], content: [slot({ type: "uint8", value: 0 })] },
    { name: "Keywords", attrs: [], content: [slot({ type: "hex64", value: e.keywords ?? 0x8000000000000000n })] },
    { name: "TimeCreated", attrs: [["SystemTime", slot({ type: "filetime", value: e.time })]], content: [] },
    { name: "EventRecordID", attrs: [], content: [recordSlot] },
    { name: "Execution", attrs: [["ProcessID", slot({ type: "uint32", value: e.processId ?? 4 })], ["ThreadID", slot({ type: "uint32", value: e.threadId ?? 8 })]], content: [] },
    { name: "Channel", attrs: [], content: [slot(e.channel)] },
    { name: "Computer", attrs: [], content: [slot(e.computer)] },
    { name: "Security", attrs: [["UserID", slot(e.userSid ? { type: "sid", value: e.userSid } : { type: "null" })]], content: [] },
  ] };
  // Data elements carry their Name as literal attribute text, as Windows templates do.
  const data: TNode = { name: "EventData", attrs: [], content: e.data.map(([name, v]) => ({ name: "Data", attrs: [], content: [slot(v)], literalName: name })) };
  const root: TNode = { name: "Event", attrs: [], content: [sys, data] };
  const key = `${e.provider}\u0000${e.eventId}\u0000${e.data.map(([n, v]) => `${n}:${typeof v === "string" ? "s" : v.type}`).join(",")}\u0000${e.userSid ? 1 : 0}`;
  return { key, root, values, recordSlot };
}

/** writeElement with literal Name attributes for EventData's Data elements. */
function writeTemplateBody(w: Writer, base: number, root: TNode, types: number[]): void {
  w.u8(0x0f).u8(1).u8(1).u8(0);
  writeElementWithNames(w, base, root, types);
  w.u8(0x00);
}

function writeElementWithNames(w: Writer, base: number, el: TNode, types: number[]): void {
  if (el.literalName === undefined) {
    if (el.content.every((c) => typeof c !== "object")) { writeElement(w, base, el, types); return; }
    const start = w.len;
    w.u8(el.attrs.length > 0 ? 0x41 : 0x01).u16(0xffff);
    const sizeAt = w.len;
    w.u32(0);
    writeName(w, base, el.name);
    if (el.attrs.length > 0) throw new Error("builder: attributes on a container element are not supported");
    w.u8(0x02);
    for (const c of el.content) {
      if (typeof c === "object") writeElementWithNames(w, base, c, types);
      else w.u8(0x0e).u16(c as number).u8(types[c as number]!);
    }
    w.u8(0x04);
    w.patch32(sizeAt, w.len - start - 7);
    return;
  }
  const start = w.len;
  w.u8(0x41).u16(0xffff);
  const sizeAt = w.len;
  w.u32(0);
  writeName(w, base, "Data");
  const listAt = w.len;
  w.u32(0);
  w.u8(0x06);
  writeName(w, base, "Name");
  w.u8(0x05).u8(0x01).u16(el.literalName.length).bytes(Buffer.from(el.literalName, "utf16le"));
  w.patch32(listAt, w.len - listAt - 4);
  w.u8(0x02);
  const s = el.content[0] as number;
  w.u8(0x0e).u16(s).u8(types[s]!);
  w.u8(0x04);
  w.patch32(sizeAt, w.len - start - 7);
}

class ChunkWriter {
  readonly buf = Buffer.alloc(CHUNK);
  pos = 512;
  firstId = 0;
  lastId = 0;
  lastRecordAt = 0;
  count = 0;
  templates = new Map<string, number>();

  /** Try to add a record; false when it does not fit. */
  add(e: BuildEvent, recordId: number): boolean {
    const { key, root, values, recordSlot } = skeleton(e);
    values[recordSlot] = { type: "uint64", value: BigInt(recordId) };
    const encoded = values.map(valueBytes);
    const types = encoded.map((x) => x.type);
    const w = new Writer();
    const recordStart = this.pos;
    const base = recordStart + 24; // BinXML starts after the 24-byte record header
    w.u8(0x0f).u8(1).u8(1).u8(0);
    w.u8(0x0c).u8(0x01).u32(0);
    const known = this.templates.get(key);
    const defAt = base + w.len + 4;
    if (known !== undefined) w.u32(known);
    else {
      w.u32(defAt);
      w.u32(0).bytes(Buffer.alloc(16, 0x11));
      const sizeAt = w.len;
      w.u32(0);
      writeTemplateBody(w, base, root, types);
      w.patch32(sizeAt, w.len - sizeAt - 4);
    }
    w.u32(encoded.length);
    for (const x of encoded) w.u16(x.bytes.length).u8(x.type).u8(0);
    for (const x of encoded) w.bytes(x.bytes);
    w.u8(0x00);
    const body = w.done();
    const size = 24 + body.length + 4;
    if (recordStart + size > CHUNK) return false;
    if (known === undefined) this.templates.set(key, defAt);
    const b = this.buf;
    b.writeUInt32LE(0x00002a2a, recordStart);
    b.writeUInt32LE(size, recordStart + 4);
    b.writeBigUInt64LE(BigInt(recordId), recordStart + 8);
    b.writeBigUInt64LE(fileTime(e.time), recordStart + 16);
    body.copy(b, recordStart + 24);
    b.writeUInt32LE(size, recordStart + size - 4);
    if (this.count === 0) this.firstId = recordId;
    this.lastId = recordId;
    this.lastRecordAt = recordStart;
    this.count++;
    this.pos += size;
    return true;
  }

  finish(): Buffer {
    const b = this.buf;
    b.write("ElfChnk\u0000", 0, "latin1");
    b.writeBigUInt64LE(BigInt(this.firstId), 8);
    b.writeBigUInt64LE(BigInt(this.lastId), 16);
    b.writeBigUInt64LE(BigInt(this.firstId), 24);
    b.writeBigUInt64LE(BigInt(this.lastId), 32);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecordAt, 44);
    b.writeUInt32LE(this.pos, 48);
    b.writeUInt32LE(crc32(b.subarray(512, this.pos)), 52);
    b.writeUInt32LE(crc32(b.subarray(128, 512), crc32(b.subarray(0, 120))), 124);
    return b;
  }
}

/** A whole EVTX file holding these events, in order, record ids from 1. */
export function buildEvtx(events: Iterable<BuildEvent>): Buffer {
  const chunks: Buffer[] = [];
  let chunk = new ChunkWriter();
  let id = 1;
  for (const e of events) {
    if (!chunk.add(e, id)) {
      chunks.push(chunk.finish());
      chunk = new ChunkWriter();
      if (!chunk.add(e, id)) throw new Error(`builder: event ${id} does not fit in an empty chunk`);
    }
    id++;
  }
  if (chunk.count > 0) chunks.push(chunk.finish());
  const header = Buffer.alloc(4096);
  header.write("ElfFile\u0000", 0, "latin1");
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(BigInt(Math.max(chunks.length - 1, 0)), 16);
  header.writeBigUInt64LE(BigInt(id), 24);
  header.writeUInt32LE(128, 32);
  header.writeUInt16LE(1, 36);
  header.writeUInt16LE(3, 38);
  header.writeUInt16LE(4096, 40);
  header.writeUInt16LE(chunks.length, 42);
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
  return Buffer.concat([header, ...chunks]);
}

/** A Sysmon event (provider, channel and GUID filled in). */
export function sysmonEvent(eventId: number, computer: string, time: Date, data: [string, BuildValue][]): BuildEvent {
  return { provider: "Microsoft-Windows-Sysmon", providerGuid: "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", eventId, channel: "Microsoft-Windows-Sysmon/Operational",
    computer, time, userSid: "S-1-5-18", processId: 3208, threadId: 1724, task: eventId, data };
}
