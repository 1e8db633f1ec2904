/**
 * Reads one EVTX file with minerhunt's Windows source (chunks, BinXML, templates, ECS mapping) and prints
 * one JSON line: records, CPU seconds (user + sys, process.cpuUsage) spent reading, and peak RSS.
 * Run by bench/evtx.ts; by hand: node --import tsx bench/evtx-read.ts FILE
 */
import { openFile } from "../src/sources/input.js";
import { evtxSource } from "../src/sources/windows/index.js";

const file = process.argv[2];
if (!file) throw new Error("usage: evtx-read.ts FILE");
let issues = 0;
const { input } = await openFile(file, () => { issues++; });
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
let records = 0;
let withCommandLine = 0;
for await (const e of evtxSource.parse(input, { issue: () => { issues++; }, skipped: () => {} })) {
  records++;
  if (e["process.command_line"] !== undefined) withCommandLine++;
}
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ records, withCommandLine, issues, cpuSeconds, wallSeconds: (performance.now() - wall0) / 1000,
  eventsPerCpuSecond: records / cpuSeconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
