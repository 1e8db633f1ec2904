/**
 * Lines of a text input as positions in a chunk, without turning each line into a string.
 *
 * Why not Input.lines(): it decodes every line to a string and resolves one promise per line,
 * which alone costs about a microsecond per line. Network logs are large (a day of Zeek DNS is
 * tens of millions of lines) and most records cannot matter; a source that looks at a record's
 * raw text first (is this query name interesting?) and decodes only what it keeps runs several
 * times faster.
 *
 * Each chunk is seen as bytes (`buf`): lines are found with Buffer.indexOf (memchr), and a source
 * can judge a record from its bytes without making a string (zeek/fast-path.ts). A source that
 * searches text asks for `text`, a one-byte-per-char latin1 string of the whole chunk made on first
 * use, on which V8's string search runs without crossing into C++ for every call. For ASCII (all
 * JSON keys, numbers, most names) bytes and text agree; a source that takes a value from `text`
 * checks it is ASCII. Decoded, proper UTF-8 strings are made only for the lines a source keeps.
 *
 * Rules as Input.lines(): 1-based line numbers, byte offsets, CRLF trimmed, over-long lines
 * reported and skipped, invalid UTF-8 reported when a line is decoded.
 */
import { isUtf8 } from "node:buffer";
import { DEFAULT_LIMITS } from "../input.js";
import type { Input, ParseContext } from "../types.js";

/**
 * One line: buf[start, end) and text[start, end) (line ending excluded). The scanner reuses one
 * object for every line: a visitor must not keep it, nor the bytes of `buf` (they are read over).
 */
export interface RawLine {
  readonly buf: Buffer;
  /** The chunk as latin1 text (made when first asked for, once per chunk). */
  readonly text: string;
  start: number;
  end: number;
  /** Unique id of the chunk (buf/text pair), for search caches (see JsonKey). */
  chunk: number;
  line: number;
  offset: number;
}

export type LineVisitor = (line: RawLine) => void;

/**
 * Where a line's content starts: past leading spaces and tabs (raw.end for a blank line). Reads the bytes,
 * not raw.text, so a line the caller then skips never makes its chunk into a string.
 */
export function contentStart(raw: RawLine): number {
  const buf = raw.buf;
  let s = raw.start;
  while (s < raw.end && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  return s;
}

/** Chunk ids are unique across all scanners, so a cache keyed by one is never confused. */
let nextChunkId = 1;

/** The scanner's one RawLine, whose latin1 text is made only when a visitor asks for it. */
class ScannedLine implements RawLine {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  chunk = 0;
  line = 0;
  offset = 0;
  private textChunk = 0;
  private latin1 = "";

  get text(): string {
    if (this.textChunk !== this.chunk) {
      this.latin1 = this.buf.toString("latin1");
      this.textChunk = this.chunk;
    }
    return this.latin1;
  }
}

export class LineScanner {
  private carry: Buffer | null = null;
  private lineNo = 1;
  private lineStart = 0;
  private pos = 0;
  private skipping = false;
  private skippedBytes = 0;
  private badUtf8 = 0;
  private readonly raw = new ScannedLine();

  constructor(private readonly ctx: ParseContext, private readonly maxLineBytes = DEFAULT_LIMITS.maxLineBytes) {}

  /** Visit every complete line in the chunk; an unfinished tail waits for the next chunk. */
  push(chunk: Buffer, visit: LineVisitor): void {
    const id = nextChunkId++;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      if (this.skipping) {
        this.tooLong(this.skippedBytes + nl - start);
        this.skipping = false;
        this.skippedBytes = 0;
      } else if (this.carry) {
        const whole = Buffer.concat([this.carry, chunk.subarray(start, nl)]);
        this.carry = null;
        if (whole.length > this.maxLineBytes) this.tooLong(whole.length);
        else this.emit(whole, nextChunkId++, 0, whole.length, visit);
      } else if (nl - start > this.maxLineBytes) {
        this.tooLong(nl - start);
      } else {
        this.emit(chunk, id, start, nl, visit);
      }
      this.lineNo++;
      start = nl + 1;
      this.lineStart = this.pos + start;
    }
    if (start < chunk.length) {
      if (this.skipping) this.skippedBytes += chunk.length - start;
      else {
        const restLen = (this.carry ? this.carry.length : 0) + chunk.length - start;
        if (restLen > this.maxLineBytes) {
          this.skipping = true;
          this.skippedBytes = restLen;
          this.carry = null;
        } else {
          this.carry = this.carry ? Buffer.concat([this.carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
        }
      }
    }
    this.pos += chunk.length;
  }

  /** The last line when the input does not end with a newline. */
  end(visit: LineVisitor): void {
    if (this.skipping) this.tooLong(this.skippedBytes);
    else if (this.carry && this.carry.length > 0) this.emit(this.carry, nextChunkId++, 0, this.carry.length, visit);
    this.carry = null;
  }

  /**
   * Decode a line to text, reporting invalid UTF-8 (the first ten times, then once more to say
   * that further ones are not reported).
   */
  decode(raw: RawLine, from = raw.start): string {
    const slice = raw.buf.subarray(from, raw.end);
    if (!isUtf8(slice)) {
      if (this.badUtf8 < 10) this.ctx.issue(raw.line, "invalid UTF-8 in this line: bad byte sequences were replaced with U+FFFD", raw.offset);
      else if (this.badUtf8 === 10) this.ctx.issue(raw.line, "invalid UTF-8: further lines with bad bytes are not reported one by one", raw.offset);
      this.badUtf8++;
    }
    return slice.toString("utf8");
  }

  private emit(buf: Buffer, chunk: number, start: number, end: number, visit: LineVisitor): void {
    if (end > start && buf[end - 1] === 13) end--;
    const raw = this.raw;
    raw.buf = buf;
    raw.chunk = chunk;
    raw.start = start;
    raw.end = end;
    raw.line = this.lineNo;
    raw.offset = this.lineStart;
    visit(raw);
  }

  private tooLong(bytes: number): void {
    this.ctx.issue(this.lineNo, `line of ${bytes} bytes is longer than the ${this.maxLineBytes}-byte limit; skipped`, this.lineStart);
  }
}

/** Whether text[start, end) holds only ASCII (so latin1 and UTF-8 readings agree). */
export function isAscii(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const TEXT_WINDOW_BYTES = 64 * 1024;

/**
 * Run a line visitor over a whole input and yield the events it collects, chunk by chunk.
 * The visitor pushes into `out`; this drains it after each chunk so memory stays bounded by
 * what one chunk (1 MiB) produces.
 */
export async function* scanInput<T>(input: Input, scanner: LineScanner, out: T[], visit: LineVisitor): AsyncGenerator<T> {
  // Lent chunks are safe: the scanner copies an unfinished line, the latin1 views are copies, and
  // visitors decode what they keep to strings before the next chunk is read.
  for await (const chunk of input.lentStream ? input.lentStream() : input.stream()) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Chunks are pushed in windows of at most 64 KiB, so a latin1 view (RawLine.text) stays small: V8
    // keeps strings that small in the young generation, where they die cheaply; a 1 MiB string goes to
    // the large-object space and costs a full collection now and then (half the CPU of a DNS log scan
    // went to making and collecting them).
    for (let at = 0; at < buf.length; at += TEXT_WINDOW_BYTES) {
      scanner.push(at === 0 && buf.length <= TEXT_WINDOW_BYTES ? buf : buf.subarray(at, Math.min(buf.length, at + TEXT_WINDOW_BYTES)), visit);
    }
    if (out.length > 0) for (const item of out.splice(0, out.length)) yield item;
  }
  scanner.end(visit);
  for (const item of out.splice(0, out.length)) yield item;
}
