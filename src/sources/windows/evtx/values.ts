/**
 * BinXML substitution values (the typed data a template instance carries) rendered as the text Windows
 * shows in an event's XML: numbers in decimal, HexInt32/64 as "0x…", GUIDs as "{XXXXXXXX-…}", SIDs as
 * "S-1-5-18", FILETIME and SYSTEMTIME as ISO 8601 UTC, binary as upper-case hex. Arrays (type | 0x80)
 * become lists. Binary XML (0x21) is not a value here: the BinXML reader parses it as nested elements.
 *
 * Every read is bounded by the value's declared size; a size that does not fit its type is an error the
 * record reader reports.
 */

export const enum ValueType {
  Null = 0x00,
  String = 0x01,
  AnsiString = 0x02,
  Int8 = 0x03,
  UInt8 = 0x04,
  Int16 = 0x05,
  UInt16 = 0x06,
  Int32 = 0x07,
  UInt32 = 0x08,
  Int64 = 0x09,
  UInt64 = 0x0a,
  Real32 = 0x0b,
  Real64 = 0x0c,
  Bool = 0x0d,
  Binary = 0x0e,
  Guid = 0x0f,
  SizeT = 0x10,
  FileTime = 0x11,
  SysTime = 0x12,
  Sid = 0x13,
  HexInt32 = 0x14,
  HexInt64 = 0x15,
  BinXml = 0x21,
  ArrayFlag = 0x80,
}

/** What a substitution renders to: text, or a list for array types. */
export type RenderedValue = string | readonly string[];

export class ValueError extends Error {}

/** Binary values longer than this are cut (a Sysmon event never carries more; a hostile one might). */
const MAX_BINARY_HEX_BYTES = 4096;

/** FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601, or "" for zero / out of range. */
export function fileTimeToIso(low: number, high: number): string {
  if (low === 0 && high === 0) return "";
  // 100-ns ticks → ms since 1601, then shifted to the Unix epoch (11,644,473,600 s apart).
  const ticks = high * 4294967296 + low;
  const ms = ticks / 10000 - 11644473600000;
  if (!Number.isFinite(ms) || ms < -62135596800000 || ms > 253402300799000) return "";
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString();
  // Keep the 100-ns precision Windows writes (7 fractional digits).
  const sub = ticks % 10000000;
  return `${iso.slice(0, 19)}.${String(sub).padStart(7, "0")}Z`;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

function sysTimeToIso(buf: Buffer, off: number): string {
  const year = buf.readUInt16LE(off);
  const month = buf.readUInt16LE(off + 2);
  const day = buf.readUInt16LE(off + 6);
  const hour = buf.readUInt16LE(off + 8);
  const minute = buf.readUInt16LE(off + 10);
  const second = buf.readUInt16LE(off + 12);
  const milli = buf.readUInt16LE(off + 14);
  if (year === 0) return "";
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}.${String(milli).padStart(3, "0")}Z`;
}

const HEX = "0123456789ABCDEF";

function hexBytes(buf: Buffer, off: number, len: number): string {
  return buf.toString("hex", off, off + Math.min(len, MAX_BINARY_HEX_BYTES)).toUpperCase();
}

function hexWidth(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, "0");
}

/** A GUID as Windows prints it: the first three groups little-endian, upper case, in braces. */
export function guidText(buf: Buffer, off: number): string {
  const h = hexWidth;
  let tail = "";
  for (let i = 8; i < 16; i++) {
    const b = buf[off + i]!;
    tail += HEX[b >> 4]! + HEX[b & 15]!;
    if (i === 9) tail += "-";
  }
  return `{${h(buf.readUInt32LE(off), 8)}-${h(buf.readUInt16LE(off + 4), 4)}-${h(buf.readUInt16LE(off + 6), 4)}-${tail}}`;
}

/** A SID ("S-1-5-21-…"): revision, 6-byte big-endian authority, then 32-bit little-endian sub-authorities. */
function sidText(buf: Buffer, off: number, size: number): string {
  if (size < 8) throw new ValueError(`SID of ${size} bytes is shorter than its 8-byte header`);
  const revision = buf[off]!;
  const count = buf[off + 1]!;
  if (8 + count * 4 > size) throw new ValueError(`SID claims ${count} sub-authorities but has ${size} bytes`);
  const authority = buf.readUIntBE(off + 2, 6);
  let text = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) text += `-${buf.readUInt32LE(off + 8 + i * 4)}`;
  return text;
}

function hex64(buf: Buffer, off: number): string {
  return `0x${buf.readBigUInt64LE(off).toString(16)}`;
}

/** Fixed size of one element of a scalar type, or undefined for variable-size types. */
function fixedSize(type: number): number | undefined {
  switch (type) {
    case ValueType.Int8: case ValueType.UInt8: return 1;
    case ValueType.Int16: case ValueType.UInt16: return 2;
    case ValueType.Int32: case ValueType.UInt32: case ValueType.Real32: case ValueType.Bool: case ValueType.HexInt32: return 4;
    case ValueType.Int64: case ValueType.UInt64: case ValueType.Real64: case ValueType.FileTime: case ValueType.HexInt64: return 8;
    case ValueType.Guid: case ValueType.SysTime: return 16;
    default: return undefined;
  }
}

function utf16(buf: Buffer, off: number, size: number): string {
  let end = off + (size & ~1);
  // Strings are often written with their terminating NUL(s): Windows does not show them.
  while (end >= off + 2 && buf[end - 1] === 0 && buf[end - 2] === 0) end -= 2;
  return buf.toString("utf16le", off, end);
}

function ansi(buf: Buffer, off: number, size: number): string {
  let end = off + size;
  while (end > off && buf[end - 1] === 0) end--;
  return buf.toString("latin1", off, end);
}

/** One scalar of a fixed-size type. */
function scalar(buf: Buffer, off: number, type: number, size: number): string {
  switch (type) {
    case ValueType.Int8: return String(buf.readInt8(off));
    case ValueType.UInt8: return String(buf[off]!);
    case ValueType.Int16: return String(buf.readInt16LE(off));
    case ValueType.UInt16: return String(buf.readUInt16LE(off));
    case ValueType.Int32: return String(buf.readInt32LE(off));
    case ValueType.UInt32: return String(buf.readUInt32LE(off));
    case ValueType.Int64: return buf.readBigInt64LE(off).toString();
    case ValueType.UInt64: return buf.readBigUInt64LE(off).toString();
    case ValueType.Real32: return String(buf.readFloatLE(off));
    case ValueType.Real64: return String(buf.readDoubleLE(off));
    case ValueType.Bool: return buf.readUInt32LE(off) !== 0 ? "true" : "false";
    case ValueType.Guid: return guidText(buf, off);
    case ValueType.FileTime: return fileTimeToIso(buf.readUInt32LE(off), buf.readUInt32LE(off + 4));
    case ValueType.SysTime: return sysTimeToIso(buf, off);
    case ValueType.HexInt32: return `0x${buf.readUInt32LE(off).toString(16)}`;
    case ValueType.HexInt64: return hex64(buf, off);
    case ValueType.SizeT: return size === 4 ? `0x${buf.readUInt32LE(off).toString(16)}` : hex64(buf, off);
    default: throw new ValueError(`value type 0x${type.toString(16)} is not a scalar`);
  }
}

/**
 * Render the value at buf[off, off+size) of the given type. Throws ValueError when the size does not
 * fit the type; returns "" for Null and for types this reader does not render (EvtHandle, EvtXml).
 */
export function renderValue(buf: Buffer, off: number, size: number, type: number): RenderedValue {
  if (off < 0 || off + size > buf.length) throw new ValueError(`value of ${size} bytes runs past its record`);
  if (size === 0 || type === ValueType.Null) return "";
  if (type & ValueType.ArrayFlag) return renderArray(buf, off, size, type & 0x7f);
  switch (type) {
    case ValueType.String: return utf16(buf, off, size);
    case ValueType.AnsiString: return ansi(buf, off, size);
    case ValueType.Binary: return hexBytes(buf, off, size);
    case ValueType.Sid: return sidText(buf, off, size);
    case ValueType.SizeT:
      if (size !== 4 && size !== 8) throw new ValueError(`size_t value of ${size} bytes`);
      return scalar(buf, off, type, size);
    default: {
      const width = fixedSize(type);
      if (width === undefined) return "";
      if (size < width) throw new ValueError(`value of type 0x${type.toString(16)} needs ${width} bytes, has ${size}`);
      return scalar(buf, off, type, width);
    }
  }
}

/** Arrays: NUL-separated strings, or back-to-back fixed-size elements. */
function renderArray(buf: Buffer, off: number, size: number, type: number): readonly string[] {
  if (type === ValueType.String) {
    const text = utf16(buf, off, size);
    return text === "" ? [] : text.split("\u0000");
  }
  if (type === ValueType.AnsiString) {
    const text = ansi(buf, off, size);
    return text === "" ? [] : text.split("\u0000");
  }
  if (type === ValueType.Sid) {
    const out: string[] = [];
    let p = off;
    while (p + 8 <= off + size) {
      const len = 8 + buf[p + 1]! * 4;
      if (p + len > off + size) break;
      out.push(sidText(buf, p, len));
      p += len;
    }
    return out;
  }
  const width = type === ValueType.SizeT ? (size % 8 === 0 ? 8 : 4) : fixedSize(type);
  if (width === undefined) return [];
  const out: string[] = [];
  for (let p = off; p + width <= off + size; p += width) out.push(scalar(buf, p, type, width));
  return out;
}
