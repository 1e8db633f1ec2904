/**
 * Read one value out of a raw JSON line without parsing the line: the fast path that lets a
 * source skip records a prefilter says cannot matter.
 *
 * It looks for `"key":` exactly as compact JSON writers (Zeek, Suricata) emit it. Anything
 * unusual (spaces after the colon, escapes or non-ASCII in the value, a quote before the key
 * that is itself escaped) answers COMPLEX, and the caller falls back to JSON.parse, so the fast
 * path can only be faster, never different.
 */
import type { RawLine } from "./line-scanner.js";

/** The key is not in the line. */
export const ABSENT = undefined;
/** The key is there but its value needs a real JSON parser. */
export const COMPLEX = null;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * A key to look for, prepared once, with a search cursor. String search has no end bound, so a
 * line without the key would make each search run to the end of its chunk (quadratic over a
 * chunk); the cursor remembers the next match in the chunk, so each chunk is searched once per
 * key. Lines of a chunk come in order and are handled synchronously, which is what makes a
 * cursor on a shared key safe (chunk ids are unique across scanners).
 */
export class JsonKey {
  /** `name":` without the opening quote: searching from a letter rather than from `"` (the most
   * common byte in JSON) makes fewer false starts. */
  readonly tail: string;
  private chunk = 0;
  private from = 0;
  private at = -1;

  constructor(readonly name: string) {
    this.tail = `${name}":`;
  }

  /** Position of the next `name":` at or after `from` in the line's chunk, or -1 (may lie beyond the line). */
  nextFrom(line: RawLine, from: number): number {
    if (this.chunk !== line.chunk || from < this.from || (this.at !== -1 && this.at < from)) {
      this.chunk = line.chunk;
      this.from = from;
      this.at = line.text.indexOf(this.tail, from);
    }
    return this.at;
  }
}

/** Where the value of `key` starts in the line, -1 when absent, -2 when the match is doubtful. */
function findValue(line: RawLine, key: JsonKey, from: number): number {
  const text = line.text;
  let at = key.nextFrom(line, from);
  // The char before the name must be the opening quote (not "original_query" for "query").
  while (at !== -1 && at < line.end && text.charCodeAt(at - 1) !== QUOTE) at = key.nextFrom(line, at + 1);
  if (at === -1 || at >= line.end) return -1;
  // An escaped quote before the key means the match is inside a string: do not trust it.
  if (at - 2 >= line.start && text.charCodeAt(at - 2) === BACKSLASH) return -2;
  return at + key.tail.length;
}

/** Whether the line has the key at all (a cheap test for which record a line is). */
export function hasKey(line: RawLine, key: JsonKey): boolean {
  return findValue(line, key, line.start) !== -1;
}

/** End (index of the closing quote) of a plain ASCII string starting at `v`, or -1. */
function plainStringEnd(line: RawLine, v: number): number {
  const text = line.text;
  if (text.charCodeAt(v) !== QUOTE) return -1;
  for (let i = v + 1; i < line.end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c > 0x7f) return -1;
  }
  return -1;
}

/** The string value of `key`: the text, ABSENT, or COMPLEX (escapes, non-ASCII, not a string). */
export function peekString(line: RawLine, key: JsonKey): string | null | undefined {
  const v = findValue(line, key, line.start);
  if (v === -1) return ABSENT;
  if (v === -2) return COMPLEX;
  const close = plainStringEnd(line, v);
  return close === -1 ? COMPLEX : line.text.slice(v + 1, close);
}

/** The value of `key` as a plain non-negative integer: the number, ABSENT, or COMPLEX. */
export function peekUint(line: RawLine, key: JsonKey): number | null | undefined {
  const v = findValue(line, key, line.start);
  if (v === -1) return ABSENT;
  if (v === -2) return COMPLEX;
  const text = line.text;
  let n = 0;
  let i = v;
  for (; i < line.end && i - v < 10; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  if (i === v) return COMPLEX;
  if (i < line.end) {
    const next = text.charCodeAt(i);
    // A number must end at a delimiter; "3333.5" or "33e2" is not a port.
    if (next !== 0x2c && next !== 0x7d && next !== 0x20) return COMPLEX;
  }
  return n;
}

/**
 * Every plain string value of `key` in the line, for records that repeat a key (Suricata DNS
 * queries and answers). COMPLEX when any occurrence needs a real parser or there are more than `max`.
 */
export function peekAllStrings(line: RawLine, key: JsonKey, max = 32): string[] | null {
  const out: string[] = [];
  let from = line.start;
  for (;;) {
    const v = findValue(line, key, from);
    if (v === -1) return out;
    if (v === -2 || out.length === max) return COMPLEX;
    const close = plainStringEnd(line, v);
    if (close === -1) return COMPLEX;
    out.push(line.text.slice(v + 1, close));
    from = close + 1;
  }
}

/**
 * The plain string items of a flat array value (`"answers":["a","b"]`): the strings, ABSENT, or COMPLEX
 * (not an array, an item that is not a plain string, escapes, non-ASCII, or more than `max` items).
 */
export function peekStringArray(line: RawLine, key: JsonKey, max = 64): string[] | null | undefined {
  const v = findValue(line, key, line.start);
  if (v === -1) return ABSENT;
  if (v === -2) return COMPLEX;
  const text = line.text;
  if (text.charCodeAt(v) !== 0x5b) return COMPLEX;
  const out: string[] = [];
  let i = v + 1;
  if (text.charCodeAt(i) === 0x5d) return out;
  for (;;) {
    const close = plainStringEnd(line, i);
    if (close === -1 || out.length === max) return COMPLEX;
    out.push(text.slice(i + 1, close));
    const next = text.charCodeAt(close + 1);
    if (next === 0x5d) return out;
    if (next !== 0x2c) return COMPLEX;
    i = close + 2;
  }
}

/*
 * The same peeks on a line's bytes (RawLine.buf), for the hottest fast paths: a record judged on its
 * bytes needs no latin1 text of its chunk and no string for a value that turns out not to matter.
 */

/** Letters from rarest to most common in JSON logs' keys and values: the byte a ByteKey searches for. */
const RARE_FIRST = "qjzxkvwbygfpmhcudlnrtsioae";

/**
 * A key searched for in bytes: Buffer.indexOf (memchr) finds the key's rarest letter, and the bytes
 * around it are compared with `"name":`. Like JsonKey it keeps a cursor per chunk, so a chunk is
 * searched once per key even when lines lack it.
 */
export class ByteKey {
  /** `"name":` as bytes. */
  readonly pattern: Buffer;
  /** Index in `pattern` of the byte searched for. */
  private readonly pivot: number;
  private readonly pivotByte: number;
  private chunk = 0;
  private from = 0;
  private at = -1;

  constructor(readonly name: string) {
    this.pattern = Buffer.from(`"${name}":`, "latin1");
    let pivot = 1;
    let rank = Infinity;
    for (let i = 1; i <= name.length; i++) {
      const r = RARE_FIRST.indexOf(String.fromCharCode(this.pattern[i]!).toLowerCase());
      const score = r === -1 ? RARE_FIRST.length : r;
      if (score < rank) { rank = score; pivot = i; }
    }
    this.pivot = pivot;
    this.pivotByte = this.pattern[pivot]!;
  }

  /** Position of the next `"name":` starting at or after `from` in the line's chunk, or -1 (may lie beyond the line). */
  nextFrom(line: RawLine, from: number): number {
    if (this.chunk !== line.chunk || from < this.from || (this.at !== -1 && this.at < from)) {
      this.chunk = line.chunk;
      this.from = from;
      this.at = this.search(line.buf, from);
    }
    return this.at;
  }

  private search(buf: Buffer, from: number): number {
    const pattern = this.pattern;
    const n = pattern.length;
    let p = from + this.pivot;
    for (;;) {
      p = buf.indexOf(this.pivotByte, p);
      if (p === -1) return -1;
      const at = p - this.pivot;
      if (at + n > buf.length) return -1;
      let i = 0;
      while (i < n && buf[at + i] === pattern[i]) i++;
      if (i === n) return at;
      p++;
    }
  }
}

/** Where the value of `key` starts in the line's bytes, -1 when absent, -2 when the match is doubtful. */
function findValueBytes(line: RawLine, key: ByteKey, from: number): number {
  const at = key.nextFrom(line, from);
  if (at === -1 || at + key.pattern.length > line.end) return -1;
  // An escaped quote before the key means the match is inside a string: do not trust it.
  if (at - 1 >= line.start && line.buf[at - 1] === BACKSLASH) return -2;
  return at + key.pattern.length;
}

/** A span of a line's bytes, set by the byte peeks (a scratch object the caller owns). */
export interface ByteSpan { start: number; end: number }

/** End (index of the closing quote) of a plain ASCII string starting at `v` in the line's bytes, or -1. */
function plainStringEndBytes(line: RawLine, v: number): number {
  const buf = line.buf;
  if (buf[v] !== QUOTE) return -1;
  for (let i = v + 1; i < line.end; i++) {
    const c = buf[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c > 0x7f) return -1;
  }
  return -1;
}

/**
 * Where the string value of `key` lies (between its quotes, set in `span`): true, ABSENT, or COMPLEX
 * (escapes, non-ASCII, not a string). The bytes are ASCII, so buf.toString("latin1", span.start, span.end) is the value.
 */
export function peekStringSpan(line: RawLine, key: ByteKey, span: ByteSpan): true | null | undefined {
  const v = findValueBytes(line, key, line.start);
  if (v === -1) return ABSENT;
  if (v === -2) return COMPLEX;
  const close = plainStringEndBytes(line, v);
  if (close === -1) return COMPLEX;
  span.start = v + 1;
  span.end = close;
  return true;
}

/** peekStringArray on bytes: the plain string items of a flat array value, ABSENT, or COMPLEX. */
export function peekStringArrayBytes(line: RawLine, key: ByteKey, max = 64): string[] | null | undefined {
  const v = findValueBytes(line, key, line.start);
  if (v === -1) return ABSENT;
  if (v === -2) return COMPLEX;
  const buf = line.buf;
  if (buf[v] !== 0x5b) return COMPLEX;
  const out: string[] = [];
  let i = v + 1;
  if (buf[i] === 0x5d) return out;
  for (;;) {
    const close = plainStringEndBytes(line, i);
    if (close === -1 || out.length === max) return COMPLEX;
    out.push(buf.toString("latin1", i + 1, close));
    const next = buf[close + 1];
    if (next === 0x5d) return out;
    if (next !== 0x2c) return COMPLEX;
    i = close + 2;
  }
}
