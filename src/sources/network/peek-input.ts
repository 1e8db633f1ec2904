/**
 * Look at the first bytes of an input before choosing how to read it (lines or one JSON
 * document), without reading it twice: the bytes looked at are handed back in front of the rest.
 *
 * Why: an Input's stream can be read once (stdin, a gunzip stream), and a source such as Suricata
 * EVE must decide between its line reader and its JSON-array reader from what the file starts with.
 */
import type { Input } from "../types.js";

/** How far to look: enough for the first record of any JSON log. */
const PEEK_BYTES = 64 * 1024;

export interface PeekedInput {
  /** The first bytes (at least PEEK_BYTES unless the input is shorter). */
  head: Buffer;
  /** The same input, whose stream() gives the head again and then the rest. */
  input: Input;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export async function peekInput(input: Input, bytes = PEEK_BYTES): Promise<PeekedInput> {
  const it = input.stream()[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < bytes) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    const b = toBuffer(r.value);
    parts.push(b);
    len += b.length;
  }
  const head = Buffer.concat(parts);
  let used = false;
  async function* replay(): AsyncGenerator<Uint8Array> {
    if (used) throw new Error(`${input.path}: a peeked input can be read only once`);
    used = true;
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const replayed: Input = {
    path: input.path,
    stream: replay,
    lines: () => { throw new Error("peeked input: read it with stream()"); },
    text: () => Promise.reject(new Error("peeked input: read it with stream()")),
    bytes: () => Promise.reject(new Error("peeked input: read it with stream()")),
  };
  if (input.bytesRead) replayed.bytesRead = () => input.bytesRead!();
  return { head, input: replayed };
}

/** The first byte that is not white space (or a UTF-8 byte order mark), or -1. */
export function firstSignificantByte(head: Buffer): number {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length) {
    const c = head[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
    i++;
  }
  return -1;
}
