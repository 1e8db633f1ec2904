import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Campaign, Finding, Incident } from "../model/index.js";
import { importList } from "../intel/import.js";
import { loadIntelFast } from "../intel/load-fast.js";
import type { ImportedFile } from "../intel/schema.js";
import type { Intel } from "../intel/types.js";
import { defaultConfig, type DetectConfig } from "../detect/config.js";
import type { Detector } from "../detect/types.js";
import { builtinDetectors } from "../detect/detectors/index.js";
import { loadRules } from "../detect/sigma/loader.js";
import { sigmaDetector } from "../detect/sigma/detector.js";
import { defaultRuleDirs } from "../detect/sigma/package-paths.js";
import { sigmaPrefilterHints } from "../detect/sigma/prefilter-hints.js";
import { declaredDatasets } from "../detect/sigma/declared-routes.js";
import type { DatasetNeeds } from "../detect/prefilter.js";
import { allSources } from "../sources/index.js";
import { choosePlaybookFast } from "../playbook/load-fast.js";
import type { Playbook } from "../playbook/schema.js";
import { assessFindings } from "./incident.js";
import type { MetricHint } from "../sources/types.js";
import { scan, type ScanProgress, type ScanResult } from "./scan.js";

// This module is a scan's start: what it imports, every scan loads. The YAML parser and zod (the checks
// of config files, playbooks and intel) are loaded only when the build snapshot does not already hold
// the checked data (playbook/load-fast.ts, intel/load-fast.ts) or a --config file is given.

export interface RunScanOptions {
  paths: string[];
  inputFormat?: string;
  /** What unnamed metric series measure (--metric). */
  metric?: MetricHint;
  configPath?: string;
  /** Extra Sigma rule folders (--rules). */
  ruleDirs?: string[];
  /** Load the project's PB-31 Sigma pack (default true). */
  defaultRules?: boolean;
  /** Lists to use for this run only (--intel FILE). */
  intelFiles?: string[];
  prefilter?: boolean;
  stdin?: AsyncIterable<Buffer | string>;
  onProgress?: (p: ScanProgress) => void;
  /** The playbook incidents walk through: an id of playbooks/ ("PB-31", the default) or a YAML file. */
  playbook?: string;
}

export interface RunScanResult {
  result: ScanResult;
  incidents: Incident[];
  campaigns: Campaign[];
  playbook: Playbook;
  findings: Finding[];
  config: DetectConfig;
  intel: Intel;
  rules: { loaded: number; refused: number; messages: string[] };
}

/** Read ad-hoc lists given with --intel. */
export function readIntelFiles(files: string[]): ImportedFile[] {
  return files.map((file) => {
    const list = importList(readFileSync(file, "utf8"), basename(file), file);
    return { name: list.name, source: file, importedAt: new Date().toISOString(), confidence: 0.6, domains: list.domains, ips: list.ips };
  });
}

/** The whole pipeline: sources → detect (built-ins + Sigma) → correlate → PB-31. */
export async function runScan(o: RunScanOptions): Promise<RunScanResult> {
  const config = o.configPath ? (await import("./config.js")).loadConfig(o.configPath) : defaultConfig();
  const intel = await loadIntelFast({ extraLists: readIntelFiles(o.intelFiles ?? []), allowDomains: config.allowlist.domains });
  const detectors: Detector[] = [...builtinDetectors];
  const ruleDirs = [...(o.defaultRules === false ? [] : defaultRuleDirs()), ...(o.ruleDirs ?? [])];
  const rules = { loaded: 0, refused: 0, messages: [] as string[] };
  let prefilterNeeds: DatasetNeeds = new Map();
  if (ruleDirs.length > 0) {
    const loaded = await loadRules(ruleDirs);
    rules.loaded = loaded.rules.length;
    rules.refused = loaded.refused.length;
    rules.messages = loaded.refused.slice(0, 20).map((r) => `${r.file}${r.line ? `:${r.line}` : ""}: ${r.message}`);
    if (loaded.rules.length > 0) {
      detectors.push(sigmaDetector(loaded.rules));
      // Sources may skip only what no rule could match either.
      prefilterNeeds = sigmaPrefilterHints(loaded.rules, declaredDatasets(allSources));
    }
  }
  const result = await scan({
    paths: o.paths, sources: allSources, detectors, intel, config, prefilterNeeds,
    ...(o.inputFormat ? { inputFormat: o.inputFormat } : {}),
    ...(o.metric ? { metric: o.metric } : {}),
    ...(o.prefilter === false ? { prefilter: false } : {}),
    ...(o.stdin ? { stdin: o.stdin } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const playbook = await choosePlaybookFast(o.playbook);
  const { incidents, campaigns } = assessFindings(result.findings, config, playbook);
  return { result, incidents, campaigns, playbook, findings: result.findings, config, intel, rules };
}
