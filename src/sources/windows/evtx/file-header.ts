/**
 * The EVTX file header: the first 4,096 bytes. Only its signature and header-block size are needed to
 * find the chunks; the rest is checked (CRC-32 of the first 120 bytes) and reported when wrong, since
 * chunks carry their own checksums and can still be read.
 */
import { crc32 } from "./crc32.js";

export const FILE_SIGNATURE = "ElfFile\u0000";
export const FILE_HEADER_BYTES = 4096;
const CHECKED_BYTES = 120;

export interface FileHeader {
  firstChunk: bigint;
  lastChunk: bigint;
  nextRecordId: bigint;
  minorVersion: number;
  majorVersion: number;
  /** Where the first chunk starts (4096 in every file Windows writes). */
  headerBlockSize: number;
  chunkCount: number;
  /** 0x1 dirty (not closed cleanly), 0x2 full. */
  flags: number;
  checksumOk: boolean;
}

export function hasFileSignature(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== FILE_SIGNATURE.charCodeAt(i)) return false;
  return true;
}

/** Read the header from at least its first 128 bytes; undefined when the signature is not there. */
export function readFileHeader(buf: Buffer): FileHeader | undefined {
  if (buf.length < 128 || !hasFileSignature(buf)) return undefined;
  return {
    firstChunk: buf.readBigUInt64LE(8),
    lastChunk: buf.readBigUInt64LE(16),
    nextRecordId: buf.readBigUInt64LE(24),
    minorVersion: buf.readUInt16LE(36),
    majorVersion: buf.readUInt16LE(38),
    headerBlockSize: buf.readUInt16LE(40),
    chunkCount: buf.readUInt16LE(42),
    flags: buf.readUInt32LE(120),
    checksumOk: crc32(buf.subarray(0, CHECKED_BYTES)) === buf.readUInt32LE(124),
  };
}
