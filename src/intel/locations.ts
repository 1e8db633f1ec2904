/**
 * Where intel lives and what loading it takes: shared by the checked loader (load.ts) and the fast one
 * (load-fast.ts), so neither imports the other for them.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { dataPath } from "../startup/paths.js";
import type { IntelFiles } from "./build.js";
import type { ImportedFile } from "./schema.js";

/** data/intel beside the package, found from src/ or dist/ alike. */
export function defaultIntelDir(): string {
  return dataPath("intel");
}

/** Where `minerhunt intel import` keeps lists: MINERHUNT_INTEL_DIR or ~/.config/minerhunt/intel. */
export function userIntelDir(): string {
  return process.env.MINERHUNT_INTEL_DIR ?? join(homedir(), ".config", "minerhunt", "intel");
}

export class IntelError extends Error {}

export interface LoadIntelOptions {
  /** The project's curated data (default: data/intel). */
  dataDir?: string;
  /** Folders of imported lists (default: the user intel dir, if it exists). */
  importDirs?: string[];
  /** Lists imported in memory for this run (scan --intel FILE). */
  extraLists?: ImportedFile[];
  /** Site allowlist from --config. */
  allowDomains?: string[];
}

/** The data files, in the order they are read; each is `<name>.yaml` in the data folder. */
export const INTEL_FILES: readonly (keyof IntelFiles)[] = ["miners", "stratum", "pools", "cloud", "hosts", "campaigns", "windows"];
