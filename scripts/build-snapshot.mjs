#!/usr/bin/env node
// After tsc: record dist/snapshot.json with the compiled code (src/pipeline/record-snapshot.ts). Later
// processes look each shipped file up by a hash of its text instead of parsing and checking it again
// (see src/startup/snapshot.ts).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { SNAPSHOT_FILE } = await import(join(dist, "startup/snapshot.js"));
const { recordSnapshot } = await import(join(dist, "pipeline/record-snapshot.js"));
const r = await recordSnapshot(SNAPSHOT_FILE);
if (r.refusedRules > 0) console.error(`build-snapshot: ${r.refusedRules} rule(s) of the shipped pack were refused`);
if (r.notPlain.length > 0) console.error(`build-snapshot: not plain JSON data, left out: ${r.notPlain.join(", ")}`);
console.log(`build-snapshot: ${r.entries} entries, ${Math.round(r.bytes / 1024)} KiB → ${SNAPSHOT_FILE}`);
