import { closeSync, createReadStream, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { isUtf8 } from "node:buffer";
import type { Input, Line, Sample } from "./types.js";
import { textLines } from "./sniff.js";

/** Limits that keep memory bounded whatever the input. */
export interface InputLimits {
  /** A line longer than this is reported and skipped (its bytes are never held whole). */
  maxLineBytes: number;
  /** text()/bytes() refuse inputs larger than this. */
  maxDocumentBytes: number;
}
export const DEFAULT_LIMITS: InputLimits = {
  maxLineBytes: 4 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
};

export const SAMPLE_BYTES = 64 * 1024;
/** Non-empty lines of the sample the sniffers read (Sample.lines). */
const SAMPLE_LINES = 20;

/** Problems found while reading bytes (not parsing records): long lines, bad UTF-8, broken gzip. */
export type ReadIssueSink = (line: number | undefined, message: string, offset?: number) => void;

/** A way to get the bytes of one input, possibly more than once (files) or once (stdin). */
type ChunkFactory = () => AsyncIterable<Buffer>;

export class InputError extends Error {}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
}

/** Files up to this size are sniffed from one whole read and parsed from a second: no stream per file. */
const SMALL_FILE_BYTES = 256 * 1024;

/**
 * The first `n` bytes and the size; a small file comes back whole (`whole`). Synchronous: for a folder of
 * thousands of small logs, the promise round trips of fs/promises (open, stat, read, close, each through
 * the thread pool) cost more CPU than the reading.
 */
function readHead(path: string | Buffer, n: number): { head: Buffer; size: number; whole?: Buffer } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size <= SMALL_FILE_BYTES) {
      const whole = readFileSync(fd);
      return { head: whole.subarray(0, n), size: whole.length, whole };
    }
    const buf = Buffer.alloc(n);
    const bytesRead = readSync(fd, buf, 0, n, 0);
    return { head: buf.subarray(0, bytesRead), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * How many bytes of small files a scan may hold between sniffing a file and parsing it. Within the budget a
 * small file is read once; past it, its bytes are dropped after sniffing and read again when it is parsed,
 * so a folder of any size holds at most this much.
 */
export class HeldBytes {
  constructor(public left: number = 16 * 1024 * 1024) {}
}

const MAX_READ_CHUNK = 1 << 20;
const FILE_CHUNK_BYTES = MAX_READ_CHUNK;

/**
 * A plain file's bytes, read with one positioned read per chunk. Why not createReadStream: its stream
 * machinery costs about twice the reading itself on a large log (a bench of Zeek DNS JSON spent more CPU
 * in the stream than in judging the records). Each chunk is a new buffer, so a consumer may keep it;
 * with `lend`, one buffer is read into again and again (see Input.lentStream).
 */
async function* readChunks(path: string | Buffer, lend = false): AsyncGenerator<Buffer> {
  const fh = await open(path, "r");
  try {
    const reused = lend ? Buffer.allocUnsafe(FILE_CHUNK_BYTES) : undefined;
    for (;;) {
      const buf = reused ?? Buffer.allocUnsafe(FILE_CHUNK_BYTES);
      const { bytesRead } = await fh.read(buf, 0, FILE_CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield bytesRead === FILE_CHUNK_BYTES ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}


/**
 * Open a file (gzip is unpacked transparently) and take its sample for sniffing. A walked file comes as
 * { path, raw }: it is opened by its raw bytes and named by its printable form (sources/display-path.ts).
 */
export async function openFile(file: string | { path: string; raw: string | Buffer }, onIssue: ReadIssueSink, limits: InputLimits = DEFAULT_LIMITS, held?: HeldBytes): Promise<{ input: Input; sample: Sample; size: number }> {
  const path = typeof file === "string" ? file : file.path;
  const raw = typeof file === "string" ? file : file.raw;
  const { head, size, whole } = readHead(raw, 2);
  if (whole) {
    const { sample } = await openBuffer(path, whole, onIssue, limits);
    // Keep the bytes for the parse while the budget allows; otherwise read them again then.
    let kept: Buffer | undefined;
    if (held && held.left >= whole.length) {
      kept = whole;
      held.left -= whole.length;
    }
    const again: ChunkFactory = async function* () {
      let bytes: Buffer;
      if (kept) {
        bytes = kept;
        kept = undefined;
        held!.left += bytes.length;
      } else bytes = readFileSync(raw);
      if (!isGzip(bytes)) { yield bytes; return; }
      const g = createGunzip({ chunkSize: MAX_READ_CHUNK });
      g.end(bytes);
      yield* g;
    };
    return { input: makeInput(path, again, onIssue, limits), sample, size };
  }
  const gz = isGzip(head);
  const factory: ChunkFactory = gz
    ? () => createReadStream(raw, { highWaterMark: MAX_READ_CHUNK }).pipe(createGunzip({ chunkSize: MAX_READ_CHUNK }))
    : () => readChunks(raw);
  const innerPath = gz ? path.replace(/\.gz$/i, "") : path;
  const sampleBytes = await takeSample(factory, onIssue);
  return { input: makeInput(path, factory, onIssue, limits, gz ? undefined : () => readChunks(raw, true)), sample: makeSample(innerPath, sampleBytes), size };
}

/** Open in-memory bytes or text (tests, HTTP ingest). Gzip is unpacked too. */
export async function openBuffer(path: string, data: Uint8Array | string, onIssue: ReadIssueSink = () => {}, limits: InputLimits = DEFAULT_LIMITS): Promise<{ input: Input; sample: Sample }> {
  const buf = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const gz = isGzip(buf);
  const factory: ChunkFactory = gz
    ? () => {
        const g = createGunzip();
        g.end(buf);
        return g;
      }
    : async function* () { yield buf; };
  const sampleBytes = await takeSample(factory, onIssue);
  return { input: makeInput(path, factory, onIssue, limits), sample: makeSample(gz ? path.replace(/\.gz$/i, "") : path, sampleBytes) };
}

/**
 * Open a stream that can be read once (stdin). The head is buffered for the sample and replayed.
 */
export async function openStream(path: string, stream: AsyncIterable<Buffer | string>, onIssue: ReadIssueSink, limits: InputLimits = DEFAULT_LIMITS): Promise<{ input: Input; sample: Sample }> {
  const it = stream[Symbol.asyncIterator]();
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < SAMPLE_BYTES) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const b = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    headChunks.push(b);
    headLen += b.length;
  }
  const head = Buffer.concat(headChunks);
  let used = false;
  const rawFactory: ChunkFactory = async function* () {
    if (used) throw new InputError(`${path}: a stream can be read only once`);
    used = true;
    yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    }
  };
  if (isGzip(head)) {
    // Sample from the gunzipped head only; the full stream is unpacked once when read.
    const sampleBytes = await gunzipPrefix(head);
    const factory: ChunkFactory = () => {
      const g = createGunzip();
      (async () => {
        try {
          for await (const c of rawFactory()) if (!g.write(c)) await new Promise((r) => g.once("drain", r));
          g.end();
        } catch (err) { g.destroy(err as Error); }
      })();
      return g;
    };
    return { input: makeInput(path, factory, onIssue, limits), sample: makeSample(path, sampleBytes) };
  }
  return { input: makeInput(path, rawFactory, onIssue, limits), sample: makeSample(path, head.subarray(0, SAMPLE_BYTES)) };
}

async function gunzipPrefix(data: Buffer): Promise<Buffer> {
  const g = createGunzip();
  const out: Buffer[] = [];
  let len = 0;
  const done = new Promise<void>((resolve) => {
    g.on("data", (c: Buffer) => { if (len < SAMPLE_BYTES) { out.push(c); len += c.length; } });
    g.on("end", () => resolve());
    g.on("error", () => resolve()); // a prefix is always "truncated": keep what came out
  });
  g.end(data);
  await done;
  return Buffer.concat(out).subarray(0, SAMPLE_BYTES);
}

async function takeSample(factory: ChunkFactory, onIssue: ReadIssueSink): Promise<Buffer> {
  const parts: Buffer[] = [];
  let len = 0;
  try {
    for await (const chunk of factory()) {
      parts.push(chunk);
      len += chunk.length;
      if (len >= SAMPLE_BYTES) break;
    }
  } catch (err) {
    // A truncated gzip still has a readable head; the full read will report the break.
    if (len === 0) onIssue(undefined, `cannot read: ${(err as Error).message}`);
  }
  return Buffer.concat(parts).subarray(0, SAMPLE_BYTES);
}

function makeSample(path: string, bytes: Buffer): Sample {
  // Cut the sample at the last newline so a half line does not confuse sniffers.
  const lastNl = bytes.lastIndexOf(10);
  const textBytes = bytes.length >= SAMPLE_BYTES && lastNl > 0 ? bytes.subarray(0, lastNl) : bytes;
  const text = textBytes.toString("utf8");
  const lines: string[] = [];
  for (const l of textLines(text)) {
    const t = l.replace(/\r$/, "");
    if (t.trim() === "") continue;
    lines.push(t);
    if (lines.length === SAMPLE_LINES) break;
  }
  return { path, bytes, text, lines };
}

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(e.message)) return "truncated gzip: the file ends before the compressed stream does";
  if (e.code === "Z_DATA_ERROR") return `corrupt gzip data (${e.message})`;
  return e.message;
}

/** `lending`: the same bytes as `factory`, in chunks lent rather than given (Input.lentStream). */
function makeInput(path: string, factory: ChunkFactory, onIssue: ReadIssueSink, limits: InputLimits, lending?: ChunkFactory): Input {
  let read = 0;
  async function* chunks(from: ChunkFactory = factory): AsyncIterable<Buffer> {
    try {
      for await (const c of from()) {
        read += c.length;
        yield c;
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      onIssue(undefined, describeReadError(err));
    }
  }
  return {
    path,
    bytesRead: () => read,
    lines: () => splitLines(chunks(), onIssue, limits.maxLineBytes),
    stream: () => chunks(),
    lentStream: () => chunks(lending),
    async bytes() {
      const parts: Buffer[] = [];
      let len = 0;
      for await (const c of chunks()) {
        len += c.length;
        if (len > limits.maxDocumentBytes) throw new InputError(`${path}: larger than ${limits.maxDocumentBytes} bytes; this format is read whole, split the file`);
        parts.push(c);
      }
      return Buffer.concat(parts);
    },
    async text() {
      const b = await this.bytes();
      if (!isUtf8(b)) onIssue(undefined, "invalid UTF-8: bad byte sequences were replaced with U+FFFD");
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
    },
  };
}

/**
 * Split a byte stream into lines with their numbers and byte offsets. Lines over maxLineBytes
 * are reported and dropped without ever being held whole; invalid UTF-8 is reported per line.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, onIssue: ReadIssueSink, maxLineBytes: number): AsyncGenerator<Line> {
  let carry: Buffer | null = null; // bytes of the current, unfinished line
  let lineNo = 1;
  let lineStart = 0; // byte offset of the current line
  let pos = 0; // byte offset of the chunk start
  let skipping = false; // inside an over-long line
  let skippedBytes = 0;
  let badUtf8Reported = 0;

  const emit = (buf: Buffer, start: number, end: number): Line | null => {
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    const slice = buf.subarray(start, end);
    if (!isUtf8(slice)) {
      if (badUtf8Reported < 10) onIssue(lineNo, "invalid UTF-8 in this line: bad byte sequences were replaced with U+FFFD", lineStart);
      else if (badUtf8Reported === 10) onIssue(lineNo, "invalid UTF-8: further lines with bad bytes are not reported one by one", lineStart);
      badUtf8Reported++;
    }
    return { text: slice.toString("utf8"), line: lineNo, offset: lineStart };
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      if (skipping) {
        onIssue(lineNo, `line of ${skippedBytes + nl - start} bytes is longer than the ${maxLineBytes}-byte limit; skipped`, lineStart);
        skipping = false;
        skippedBytes = 0;
      } else if (carry) {
        const whole: Buffer = Buffer.concat([carry, chunk.subarray(start, nl)]);
        carry = null;
        if (whole.length > maxLineBytes) onIssue(lineNo, `line of ${whole.length} bytes is longer than the ${maxLineBytes}-byte limit; skipped`, lineStart);
        else {
          const l = emit(whole, 0, whole.length);
          if (l) yield l;
        }
      } else if (nl - start > maxLineBytes) {
        onIssue(lineNo, `line of ${nl - start} bytes is longer than the ${maxLineBytes}-byte limit; skipped`, lineStart);
      } else {
        const l = emit(chunk, start, nl);
        if (l) yield l;
      }
      lineNo++;
      start = nl + 1;
      lineStart = pos + start;
    }
    // The rest of the chunk belongs to an unfinished line.
    if (start < chunk.length) {
      if (skipping) skippedBytes += chunk.length - start;
      else {
        const restLen = (carry ? carry.length : 0) + chunk.length - start;
        if (restLen > maxLineBytes) {
          skipping = true;
          skippedBytes = restLen;
          carry = null;
        } else {
          carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
        }
      }
    }
    pos += chunk.length;
  }
  if (skipping) onIssue(lineNo, `line of ${skippedBytes} bytes is longer than the ${maxLineBytes}-byte limit; skipped`, lineStart);
  else if (carry && carry.length > 0) {
    const l = emit(carry, 0, carry.length);
    if (l) yield l;
  }
}
