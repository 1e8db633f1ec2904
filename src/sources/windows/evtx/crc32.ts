/**
 * CRC-32 (RFC 1952, the one EVTX headers and chunks carry). Node's zlib.crc32 (Node ≥ 20.15) is used
 * when present; a table-driven fallback keeps older Node 20 releases working.
 */
import * as zlib from "node:zlib";

type Crc = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

function fallback(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as unknown as { crc32?: Crc }).crc32;

/** CRC-32 of data, continuing from `value` (0 to start). */
export const crc32: Crc = typeof native === "function" ? native : fallback;
export { fallback as crc32Portable };
