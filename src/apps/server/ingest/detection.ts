/**
 * What the ingest endpoint detects with: the same detectors, Sigma pack, intel, site config and playbook
 * a scan uses (pipeline/run.ts), loaded once per server.
 */
import type { DetectConfig } from "../../../detect/config.js";
import type { Detector } from "../../../detect/types.js";
import { builtinDetectors } from "../../../detect/detectors/index.js";
import { defaultRuleDirs, loadRules, sigmaDetector } from "../../../detect/sigma/index.js";
import { loadIntel, type Intel } from "../../../intel/index.js";
import type { Playbook } from "../../../playbook/index.js";
import { loadConfig } from "../../../pipeline/config.js";
import { choosePlaybook } from "../../../playbook/index.js";

export interface DetectionSetup {
  detectors: readonly Detector[];
  intel: Intel;
  config: DetectConfig;
  playbook: Playbook;
}

export interface DetectionOptions {
  configPath?: string;
  /** Extra Sigma rule folders. */
  ruleDirs?: string[];
  playbook?: string;
}

export async function loadDetection(o: DetectionOptions = {}): Promise<DetectionSetup> {
  const config = loadConfig(o.configPath);
  const intel = loadIntel({ allowDomains: config.allowlist.domains });
  const detectors: Detector[] = [...builtinDetectors];
  const loaded = await loadRules([...defaultRuleDirs(), ...(o.ruleDirs ?? [])]);
  if (loaded.rules.length > 0) detectors.push(sigmaDetector(loaded.rules));
  return { detectors, intel, config, playbook: choosePlaybook(o.playbook) };
}
