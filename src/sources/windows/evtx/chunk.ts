/**
 * One EVTX chunk (64 KiB): a 512-byte header (signature, record ranges, free-space offset, CRC-32 of the
 * records and of the header itself, the common-string and template tables), then event records:
 *   "**\0\0", size, record id, FILETIME written, BinXML, size again.
 * A chunk whose header or records checksum is wrong is reported and not read: its BinXML cannot be
 * trusted and the next chunk does not depend on it. A record that cannot be parsed is reported with its
 * file offset and skipped; the chunk's other records are still read.
 */
import { ChunkBinXml, BinXmlError } from "./binxml.js";
import { crc32 } from "./crc32.js";
import { fileTimeToIso, ValueError } from "./values.js";
import type { XmlElement } from "./xml-tree.js";

export const CHUNK_BYTES = 65536;
export const CHUNK_HEADER_BYTES = 512;
const CHUNK_SIGNATURE = "ElfChnk\u0000";
const RECORD_SIGNATURE = 0x00002a2a;
const RECORD_OVERHEAD = 28;

export interface EvtxRecord {
  recordId: number;
  /** When the record was written (FILETIME in its header), ISO 8601; computed when asked. */
  readonly written: string;
  /** Byte offset of the record in the file. */
  offset: number;
  /** The rendered event (normally one <Event> element). */
  elements: XmlElement[];
}

export interface ChunkProblem {
  /** File offset of the problem (chunk start for chunk-level problems, record start otherwise). */
  offset: number;
  message: string;
}

export function hasChunkSignature(buf: Buffer): boolean {
  if (buf.length < 8) return false;
  for (let i = 0; i < 8; i++) if (buf[i] !== CHUNK_SIGNATURE.charCodeAt(i)) return false;
  return true;
}

/** Every byte zero: the unused tail Windows pre-allocates after the last chunk. */
export function isEmptyChunk(buf: Buffer): boolean {
  return buf.every((b) => b === 0);
}

/** Check a chunk's signature and both checksums. Undefined: the chunk can be read. */
export function checkChunk(buf: Buffer): string | undefined {
  if (buf.length < CHUNK_BYTES) return `chunk is cut short (${buf.length} of ${CHUNK_BYTES} bytes)`;
  if (!hasChunkSignature(buf)) return "no chunk signature (ElfChnk) where a chunk should start";
  const headerCrc = crc32(buf.subarray(128, CHUNK_HEADER_BYTES), crc32(buf.subarray(0, 120)));
  if (headerCrc !== buf.readUInt32LE(124)) return "chunk header checksum (CRC-32) does not match";
  const free = buf.readUInt32LE(48);
  if (free < CHUNK_HEADER_BYTES || free > CHUNK_BYTES) return `chunk free-space offset ${free} is outside the chunk`;
  const dataCrc = crc32(buf.subarray(CHUNK_HEADER_BYTES, free));
  if (dataCrc !== buf.readUInt32LE(52)) return "chunk records checksum (CRC-32) does not match";
  return undefined;
}

/**
 * The records of a checked chunk. `fileOffset` is where the chunk starts in the file, for provenance.
 * Problems with single records go to `onProblem`; the rest of the chunk is read.
 */
export function* readChunkRecords(buf: Buffer, fileOffset: number, onProblem: (p: ChunkProblem) => void): Generator<EvtxRecord> {
  const free = Math.min(buf.readUInt32LE(48), CHUNK_BYTES);
  const binxml = new ChunkBinXml(buf);
  let p = CHUNK_HEADER_BYTES;
  while (p + RECORD_OVERHEAD <= free) {
    if (buf.readUInt32LE(p) !== RECORD_SIGNATURE) {
      onProblem({ offset: fileOffset + p, message: "no event record signature where a record should start; the rest of the chunk is skipped" });
      return;
    }
    const size = buf.readUInt32LE(p + 4);
    if (size < RECORD_OVERHEAD || p + size > free) {
      onProblem({ offset: fileOffset + p, message: `event record size ${size} does not fit the chunk; the rest of the chunk is skipped` });
      return;
    }
    const recordId = Number(buf.readBigUInt64LE(p + 8));
    if (buf.readUInt32LE(p + size - 4) !== size) {
      onProblem({ offset: fileOffset + p, message: `event record ${recordId}: trailing size copy does not match; record skipped` });
    } else {
      try {
        const elements = binxml.parseRecord(p + 24, p + size - 4);
        const low = buf.readUInt32LE(p + 16);
        const high = buf.readUInt32LE(p + 20);
        yield { recordId, get written() { return fileTimeToIso(low, high); }, offset: fileOffset + p, elements };
      } catch (err) {
        if (!(err instanceof BinXmlError || err instanceof ValueError || err instanceof RangeError)) throw err;
        onProblem({ offset: fileOffset + p, message: `event record ${recordId}: ${err.message}; record skipped` });
      }
    }
    p += size;
  }
}
