/**
 * Reads an EVTX byte stream chunk by chunk: the file header, then one 64 KiB chunk at a time. Only the
 * chunk being read is held (plus whatever the stream hands over at once), so memory stays flat however
 * large the log. Damaged chunks are reported with their file offset and skipped; the rest is read.
 */
import { CHUNK_BYTES, checkChunk, hasChunkSignature, isEmptyChunk, readChunkRecords, type ChunkProblem, type EvtxRecord } from "./chunk.js";
import { FILE_HEADER_BYTES, readFileHeader } from "./file-header.js";

export interface EvtxReadReport {
  /** A problem at a file offset (bad header, damaged chunk, unreadable record). */
  problem(p: ChunkProblem): void;
}

/** Collects stream pieces into fixed-size blocks without copying more than needed. */
class BlockAssembler {
  private parts: Buffer[] = [];
  private length = 0;

  push(piece: Uint8Array): void {
    const b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    this.parts.push(b);
    this.length += b.length;
  }

  get available(): number {
    return this.length;
  }

  /** Take exactly n bytes (n ≤ available). */
  take(n: number): Buffer {
    const first = this.parts[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const part = this.parts[0]!;
      const want = Math.min(n - filled, part.length);
      part.copy(out, filled, 0, want);
      filled += want;
      if (want === part.length) this.parts.shift();
      else this.parts[0] = part.subarray(want);
    }
    this.length -= n;
    return out;
  }
}

/** Yield every readable record of an EVTX stream, in file order. */
export async function* readEvtx(stream: AsyncIterable<Uint8Array>, report: EvtxReadReport): AsyncGenerator<EvtxRecord> {
  const blocks = new BlockAssembler();
  let offset = 0;
  let headerBytes: number | undefined;
  let chunkIndex = 0;

  // Blocks with no chunk signature are held back: followed by a real chunk they are damage (reported);
  // at the end of the file they are the unused space Windows pre-allocates (often not zeroed), skipped quietly.
  let unsigned: number[] = [];
  const readChunk = function* (buf: Buffer, at: number): Generator<EvtxRecord> {
    const index = chunkIndex++;
    if (isEmptyChunk(buf)) return;
    if (!hasChunkSignature(buf)) { unsigned.push(at); return; }
    for (const u of unsigned) report.problem({ offset: u, message: `block at offset ${u} lies between chunks but has no chunk signature (ElfChnk); skipped` });
    unsigned = [];
    const problem = checkChunk(buf);
    if (problem) {
      report.problem({ offset: at, message: `chunk ${index} at offset ${at}: ${problem}; chunk skipped` });
      return;
    }
    yield* readChunkRecords(buf, at, report.problem);
  };

  for await (const piece of stream) {
    blocks.push(piece);
    if (headerBytes === undefined) {
      if (blocks.available < FILE_HEADER_BYTES) continue;
      const head = blocks.take(FILE_HEADER_BYTES);
      const header = readFileHeader(head);
      if (!header) {
        report.problem({ offset: 0, message: "no EVTX file signature (ElfFile); not an EVTX file" });
        return;
      }
      if (!header.checksumOk) report.problem({ offset: 0, message: "file header checksum (CRC-32) does not match; chunks are read on their own checksums" });
      // Windows always writes 4096; a different value is honoured if it is sane, else 4096 is assumed.
      headerBytes = header.headerBlockSize >= FILE_HEADER_BYTES && header.headerBlockSize <= CHUNK_BYTES ? header.headerBlockSize : FILE_HEADER_BYTES;
      offset = FILE_HEADER_BYTES;
    }
    // Header bytes past the first 4096 (never seen from Windows) are skipped as they arrive.
    while (offset < headerBytes && blocks.available > 0) {
      const skip = Math.min(headerBytes - offset, blocks.available);
      blocks.take(skip);
      offset += skip;
    }
    while (blocks.available >= CHUNK_BYTES) {
      const at = offset;
      const buf = blocks.take(CHUNK_BYTES);
      offset += CHUNK_BYTES;
      yield* readChunk(buf, at);
    }
  }
  if (headerBytes === undefined) {
    if (blocks.available > 0 || offset === 0) report.problem({ offset: 0, message: `file is ${blocks.available} bytes, shorter than the ${FILE_HEADER_BYTES}-byte EVTX header` });
    return;
  }
  if (blocks.available > 0) {
    const rest = blocks.take(blocks.available);
    if (hasChunkSignature(rest)) report.problem({ offset, message: `last chunk at offset ${offset} is cut short (${rest.length} of ${CHUNK_BYTES} bytes); skipped` });
    else if (!rest.every((b) => b === 0)) report.problem({ offset, message: `${rest.length} trailing bytes after the last chunk are not a chunk; skipped` });
  }
}
