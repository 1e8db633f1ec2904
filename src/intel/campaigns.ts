/**
 * Named cryptojacking campaigns (data/intel/campaigns.yaml): their indicators, merged by the loader
 * into the lists detectors already read, and a lookup that says which campaign (and which report) an
 * indicator comes from, for `intel lookup` and for findings that want to name the campaign.
 */
import type { z } from "zod";
import { normaliseDomain } from "./domains.js";
import type { CampaignsFileSchema } from "./schema.js";
import type { CampaignInfo } from "./types.js";

export function toCampaigns(file: z.infer<typeof CampaignsFileSchema>): CampaignInfo[] {
  return file.campaigns.map((c) => ({
    name: c.name,
    references: c.references,
    checked: c.checked,
    processNames: c.process_names.map((n) => n.toLowerCase()),
    dropPaths: c.drop_paths.map((p) => p.toLowerCase()),
    commandFragments: c.command_fragments.map((f) => f.toLowerCase()),
    domains: c.domains.map((d) => normaliseDomain(d) ?? d.toLowerCase()),
    killTargets: c.kill_targets.map((t) => t.toLowerCase()),
    killScripts: c.kill_scripts.map((s) => s.toLowerCase()),
  }));
}

/** indicator → campaigns, for exact indicators; domains also match names under them. */
export function campaignLookup(campaigns: readonly CampaignInfo[]): (indicator: string) => CampaignInfo[] {
  const exact = new Map<string, CampaignInfo[]>();
  const add = (key: string, c: CampaignInfo) => {
    const list = exact.get(key);
    if (!list) exact.set(key, [c]);
    else if (!list.includes(c)) list.push(c);
  };
  const domains = new Map<string, CampaignInfo[]>();
  for (const c of campaigns) {
    for (const k of [...c.processNames, ...c.dropPaths, ...c.commandFragments, ...c.killTargets, ...c.killScripts]) add(k, c);
    for (const d of c.domains) {
      const list = domains.get(d);
      if (!list) domains.set(d, [c]);
      else list.push(c);
    }
  }
  return (indicator) => {
    const key = indicator.trim().toLowerCase();
    const hit = exact.get(key);
    if (hit) return hit;
    // A name is looked up by its labels from the right: "cdn.teamtnt.red" is under "teamtnt.red".
    const name = normaliseDomain(key);
    if (!name) return [];
    for (let at = 0; ;) {
      const found = domains.get(at === 0 ? name : name.slice(at));
      if (found) return found;
      const dot = name.indexOf(".", at);
      if (dot === -1) return [];
      at = dot + 1;
    }
  };
}
