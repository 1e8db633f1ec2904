/**
 * The pcap source alone, in one process: file read, capture reader, decoder, flow table, TCP
 * reassembly and event building; no detection. CPU time from process.cpuUsage (user + system) is
 * taken around the read, so start-up and module loading are not counted. Prints one JSON line.
 *
 *   node --import tsx bench/pcap/source-only.ts FILE [--prefilter]
 * With --prefilter the scan's prefilter (built-in intel) is handed to the source, as `scan` does.
 */
import { statSync } from "node:fs";
import { openFile } from "../../src/sources/input.js";
import { parsePcap } from "../../src/sources/network/pcap/source.js";
import type { ParseContext } from "../../src/sources/types.js";
import { buildPrefilter } from "../../src/detect/prefilter.js";
import { loadIntel } from "../../src/intel/index.js";

const file = process.argv[2];
if (!file) throw new Error("usage: source-only.ts FILE [--prefilter]");
let skipped = 0;
let issues = 0;
const ctx: ParseContext = { issue: () => { issues++; }, skipped: (n = 1) => { skipped += n; } };
if (process.argv.includes("--prefilter")) ctx.prefilter = buildPrefilter(loadIntel({ importDirs: [] }));

const datasets: Record<string, number> = {};
const { input } = await openFile(file, () => { issues++; });
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
let events = 0;
for await (const ev of parsePcap(input, ctx)) {
  events++;
  const d = String(ev["event.dataset"]);
  datasets[d] = (datasets[d] ?? 0) + 1;
}
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const bytes = statSync(file).size;
console.log(JSON.stringify({
  bytes, cpuSeconds, wallSeconds: (performance.now() - wall0) / 1000, mbPerCpuSecond: bytes / 1048576 / cpuSeconds,
  events, skipped, issues, datasets, peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
