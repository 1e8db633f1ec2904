/**
 * The scan stage alone, in one process: sources + prefilter + detectors over one file, timed (CPU seconds) from
 * the first byte read to the last finding (no process start, no rule compile, no correlation or output).
 * Prints one JSON line. Run by bench/run.ts; by hand: node --import tsx bench/stage.ts FILE FORMAT [--sigma]
 */
import { scan } from "../src/pipeline/scan.js";
import { allSources } from "../src/sources/index.js";
import { builtinDetectors } from "../src/detect/detectors/index.js";
import { loadRules, sigmaDetector, defaultRuleDirs, sigmaPrefilterHints, declaredDatasets } from "../src/detect/sigma/index.js";
import { loadIntel } from "../src/intel/index.js";
import { defaultConfig } from "../src/detect/config.js";
import type { Detector } from "../src/detect/types.js";
import type { DatasetNeeds } from "../src/detect/prefilter.js";

const [file, format] = process.argv.slice(2);
if (!file || !format) throw new Error("usage: stage.ts FILE FORMAT [--sigma]");
const detectors: Detector[] = [...builtinDetectors];
let needs: DatasetNeeds = new Map();
if (process.argv.includes("--sigma")) {
  const { rules } = await loadRules(defaultRuleDirs());
  detectors.push(sigmaDetector(rules));
  needs = sigmaPrefilterHints(rules, declaredDatasets(allSources));
}
const intel = loadIntel({ importDirs: [] });
const started = performance.now();
const cpu0 = process.cpuUsage();
const r = await scan({ paths: [file], sources: allSources, detectors, intel, config: defaultConfig(), inputFormat: format, prefilterNeeds: needs });
const seconds = (performance.now() - started) / 1000;
// CPU seconds (user + system, all threads: GC helpers and the file reads count), not wall: the machines are shared.
const used = process.cpuUsage(cpu0);
const cpuSeconds = (used.user + used.system) / 1e6;
const records = r.events + r.skipped;
console.log(JSON.stringify({ records, built: r.events, findings: r.findings.length, seconds, cpuSeconds, eventsPerCpuSecond: records / cpuSeconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
