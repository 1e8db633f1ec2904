/**
 * Intel for a scan's start, without loading YAML and zod when it can: the shipped data files' checked
 * values are in the build snapshot (startup/snapshot.ts), and importing the parser and the schemas to
 * check them again cost about a tenth of a CPU-second. Anything the snapshot does not hold (an edited file,
 * a run from src/, lists imported with `minerhunt intel import`, which are checked at every load) goes
 * through load.ts. This module must not import load.ts or schema.ts (only their types).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { snapshotValue } from "../startup/snapshot.js";
import { buildIntel, type IntelFiles } from "./build.js";
import { INTEL_FILES, defaultIntelDir, userIntelDir, type LoadIntelOptions } from "./locations.js";
import type { Intel } from "./types.js";

/** What load.ts loadIntel returns, from the build snapshot when it holds every data file and no imported list waits to be checked. */
export async function loadIntelFast(opts: LoadIntelOptions = {}): Promise<Intel> {
  const importDirs = opts.importDirs ?? [userIntelDir()];
  const files = importDirs.some(holdsImportedLists) ? undefined : snapshotFiles(opts.dataDir ?? defaultIntelDir());
  if (files) return buildIntel(files, opts.extraLists ?? [], opts.allowDomains);
  const { loadIntel } = await import("./load.js");
  return loadIntel(opts);
}

/** Every data file's checked value from the snapshot, or undefined when any is missing from it (or unreadable). */
function snapshotFiles(dir: string): IntelFiles | undefined {
  const files: Partial<Record<keyof IntelFiles, unknown>> = {};
  for (const kind of INTEL_FILES) {
    let text: string;
    try {
      text = readFileSync(join(dir, `${kind}.yaml`), "utf8");
    } catch {
      return undefined; // load.ts reads it again and reports what is wrong
    }
    const value = snapshotValue(`intel.${kind}`, text);
    if (value === undefined) return undefined;
    files[kind] = value;
  }
  return files as IntelFiles;
}

/** Whether a folder holds lists saved by `minerhunt intel import` (load.ts checks each). */
function holdsImportedLists(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith(".json"));
}
