#!/usr/bin/env node
// After tsc: load everything a default scan loads (intel, playbooks, the PB-31 rule pack, the Sigma
// tables) once, with recording on, and write dist/snapshot.json. Later processes look each file up by
// a hash of its text instead of parsing and checking it again (see src/startup/snapshot.ts).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const snapshot = await import(join(dist, "startup/snapshot.js"));
snapshot.startRecording();
const { loadIntel } = await import(join(dist, "intel/index.js"));
const { loadPlaybooks } = await import(join(dist, "playbook/index.js"));
const { loadRules, defaultRuleDirs, defaultTables } = await import(join(dist, "detect/sigma/index.js"));
loadIntel({ importDirs: [] });
loadPlaybooks();
defaultTables();
const rules = await loadRules(defaultRuleDirs());
const { json, entries, refused } = snapshot.finishRecording();
if (rules.refused.length > 0) console.error(`build-snapshot: ${rules.refused.length} rule(s) of the shipped pack were refused`);
if (refused.length > 0) console.error(`build-snapshot: not plain JSON data, left out: ${[...new Set(refused)].join(", ")}`);
writeFileSync(snapshot.SNAPSHOT_FILE, json);
console.log(`build-snapshot: ${entries} entries, ${Math.round(json.length / 1024)} KiB → ${snapshot.SNAPSHOT_FILE}`);
