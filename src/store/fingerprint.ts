/**
 * Fingerprint of a scanned file (size, mtime, SHA-256 of its bytes) so the store can tell that the
 * same bytes were scanned before, whatever the file is called now.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ScannedFile } from "./types.js";

export async function fingerprintFile(path: string, open: string | Buffer = path): Promise<ScannedFile> {
  const st = await stat(open);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(open, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { path, size: st.size, mtimeMs: Math.trunc(st.mtimeMs), sha256: hash.digest("hex") };
}
