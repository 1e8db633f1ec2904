/**
 * The build-time snapshot of the data minerhunt ships (intel, playbooks, the PB-31 rule pack, the Sigma
 * tables): parsing and checking that YAML cost about a CPU-second at every start, more than the scan of
 * a small file. `npm run build` loads it all once with recording on (scripts/build-snapshot.mjs) and
 * writes dist/snapshot.json; a later process looks each file up by a hash of its text and skips the
 * work.
 *
 * Why this is safe: an entry is keyed by what it was computed from (a kind naming the parser and
 * checks, and the SHA-256 of the text), so an edited file simply misses and takes the normal path; the
 * snapshot sits in dist/ beside the code that made it, so a rebuilt parser never meets an old
 * snapshot. Run from src/ (tests, tsx) there is no snapshot and everything is parsed as before.
 * MINERHUNT_SNAPSHOT=0 turns it off (to compare, or to rule it out); MINERHUNT_SNAPSHOT=FILE reads FILE
 * instead of dist/snapshot.json (the test runner's CLI, bundled from the current source, reads one recorded
 * by that same source: scripts/test-cli.mjs). The freshness check below applies to it too.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { packageRoot } from "./paths.js";

const THIS_MODULE = fileURLToPath(import.meta.url);
/** Run from src/ (tsx, tests) the snapshot is never read: it was made by the built code, which may differ. */
const RUNNING_FROM_SOURCE = THIS_MODULE.endsWith(".ts");

/** dist/snapshot.json under the package root (the build writes it). */
export const SNAPSHOT_FILE = join(packageRoot(), "dist", "snapshot.json");

let snapshotFile = SNAPSHOT_FILE;

/** The file's format: a version, and entries keyed "kind\0sha256". */
interface SnapshotFile {
  format: 1;
  entries: Record<string, unknown>;
}

let loaded: Map<string, unknown> | undefined;
let recording: Map<string, unknown> | undefined;
let refusedWhileRecording: string[] = [];

function entries(): Map<string, unknown> {
  if (loaded) return loaded;
  loaded = new Map();
  const setting = process.env.MINERHUNT_SNAPSHOT;
  if (setting === "0" || (RUNNING_FROM_SOURCE && snapshotFile === SNAPSHOT_FILE)) return loaded;
  // A file named by a test (resetSnapshot) wins over the environment's.
  const file = snapshotFile === SNAPSHOT_FILE && setting ? setting : snapshotFile;
  let text: string;
  try {
    // A snapshot older than the code beside it was made by other code (tsc run again without
    // `npm run build`, which writes the snapshot after compiling): its checked values may no
    // longer be what this code would make, so it is not used. npm packs every file with one
    // date, so equal times count as fresh.
    if (statSync(THIS_MODULE).mtimeMs > statSync(file).mtimeMs) return loaded;
    text = readFileSync(file, "utf8");
  } catch {
    return loaded; // not built (running from src/): parse as usual
  }
  try {
    const file = JSON.parse(text) as SnapshotFile;
    if (file.format === 1 && file.entries && typeof file.entries === "object") {
      for (const [k, v] of Object.entries(file.entries)) loaded.set(k, v);
    }
  } catch {
    // A damaged snapshot only costs speed: every file misses and is parsed.
  }
  return loaded;
}

function keyOf(kind: string, text: string): string {
  return `${kind}\0${createHash("sha256").update(text).digest("hex")}`;
}

/**
 * The value `compute` returns for this text, from the snapshot when it holds one. `kind` names the
 * parse and checks applied ("intel.pools", "playbook"); two callers that treat the same text
 * differently must use different kinds. `compute` must be a pure function of `text` whose result is
 * plain JSON data (objects, arrays, strings, finite numbers, booleans, null); anything else is not
 * recorded and is computed at every start. Each entry is handed out once (the caller may change it):
 * a second lookup of the same text computes it afresh.
 */
export function fromSnapshot<T>(kind: string, text: string, compute: () => T): T {
  if (recording) {
    const value = compute();
    let plain: unknown;
    try {
      plain = JSON.parse(JSON.stringify(value)) as unknown;
    } catch {
      plain = undefined;
    }
    if (plain !== undefined && isDeepStrictEqual(plain, value)) recording.set(keyOf(kind, text), plain);
    else refusedWhileRecording.push(kind);
    return value;
  }
  const map = entries();
  if (map.size === 0) return compute();
  const key = keyOf(kind, text);
  if (!map.has(key)) return compute();
  const value = map.get(key) as T;
  map.delete(key);
  return value;
}

/**
 * The snapshot's value for this text, or undefined when it holds none (or is recording, or off). For code
 * that would rather not load the parser and checks at all (yaml and zod cost about 0.1 CPU-s to load): on
 * undefined it imports them and computes, as playbook/load-fast.ts does. The same rules as fromSnapshot:
 * each entry is handed out once.
 */
export function snapshotValue<T>(kind: string, text: string): T | undefined {
  if (recording) return undefined;
  const map = entries();
  if (map.size === 0) return undefined;
  const key = keyOf(kind, text);
  if (!map.has(key)) return undefined;
  const value = map.get(key) as T;
  map.delete(key);
  return value;
}

/** Start recording every value looked up from now on (the build script's first step). */
export function startRecording(): void {
  recording = new Map();
  refusedWhileRecording = [];
}

/** What was recorded, as the snapshot file's text, and the kinds whose values were not plain data. */
export function finishRecording(): { json: string; entries: number; refused: string[] } {
  if (!recording) throw new Error("snapshot: finishRecording without startRecording");
  const file: SnapshotFile = { format: 1, entries: Object.fromEntries(recording) };
  const out = { json: JSON.stringify(file), entries: recording.size, refused: refusedWhileRecording };
  recording = undefined;
  return out;
}

/** Forget the loaded snapshot, and read the next one from `file` (tests). */
export function resetSnapshot(file = SNAPSHOT_FILE): void {
  loaded = undefined;
  snapshotFile = file;
}
