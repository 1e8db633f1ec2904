import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Finding, Incident } from "../model/index.js";
import { loadIntel, importList, type Intel, type ImportedFile } from "../intel/index.js";
import type { DetectConfig } from "../detect/config.js";
import type { Detector } from "../detect/types.js";
import { builtinDetectors } from "../detect/detectors/index.js";
import { loadRules, sigmaDetector, defaultRuleDirs, sigmaPrefilterHints, declaredDatasets } from "../detect/sigma/index.js";
import type { DatasetNeeds } from "../detect/prefilter.js";
import { allSources } from "../sources/index.js";
import { correlate, relateIncidents } from "../correlate/index.js";
import { loadPlaybook } from "../playbook/index.js";
import { assessDraft } from "./incident.js";
import { scan, type ScanProgress, type ScanResult } from "./scan.js";
import { loadConfig } from "./config.js";

export interface RunScanOptions {
  paths: string[];
  inputFormat?: string;
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
}

export interface RunScanResult {
  result: ScanResult;
  incidents: Incident[];
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
  const config = loadConfig(o.configPath);
  const intel = loadIntel({ extraLists: readIntelFiles(o.intelFiles ?? []), allowDomains: config.allowlist.domains });
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
    ...(o.prefilter === false ? { prefilter: false } : {}),
    ...(o.stdin ? { stdin: o.stdin } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const playbook = loadPlaybook("PB-31");
  const drafts = correlate(result.findings, { accountWindowHours: config.correlationWindowHours });
  const related = relateIncidents(drafts);
  const incidents = drafts.map((d) => {
    const incident = assessDraft(d, playbook, config);
    const links = related.get(d.id);
    if (links) incident.related = links;
    return incident;
  });
  return { result, incidents, findings: result.findings, config, intel, rules };
}
