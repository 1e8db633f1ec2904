/**
 * Record the snapshot (startup/snapshot.ts): load everything a default scan loads (intel, playbooks, the
 * PB-31 rule pack, the Sigma tables) once with recording on, and write what was computed to `file`.
 * `npm run build` runs it over dist/ (scripts/build-snapshot.mjs); the test runner over the CLI it bundles
 * from the current source (scripts/test-cli.mjs), so each snapshot is made by the code that reads it.
 */
import { writeFileSync } from "node:fs";
import { loadRules, defaultRuleDirs, defaultTables } from "../detect/sigma/index.js";
import { loadIntel } from "../intel/index.js";
import { loadPlaybooks } from "../playbook/index.js";
import { finishRecording, startRecording } from "../startup/snapshot.js";

export interface RecordedSnapshot {
  entries: number;
  bytes: number;
  /** Shipped rules the engine refused (a build problem: the pack should load whole). */
  refusedRules: number;
  /** Kinds whose values were not plain JSON data, so not recorded. */
  notPlain: string[];
}

export async function recordSnapshot(file: string): Promise<RecordedSnapshot> {
  startRecording();
  loadIntel({ importDirs: [] });
  loadPlaybooks();
  defaultTables();
  const rules = await loadRules(defaultRuleDirs());
  const { json, entries, refused } = finishRecording();
  writeFileSync(file, json);
  return { entries, bytes: json.length, refusedRules: rules.refused.length, notPlain: [...new Set(refused)] };
}
