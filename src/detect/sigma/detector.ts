/**
 * The Sigma engine as a minerhunt Detector: routes are the union of the rules' routes, and every
 * match becomes a FindingDraft (rule.kind "sigma" or "sigma-correlation"). The site allowlist of
 * the run's config (domains, IPs or CIDRs, process names that are "never findings at this site")
 * drops a draft that names one of them; rule-level tuning belongs in Sigma filter rules.
 */
import type { FindingDraft } from "../../model/index.js";
import type { DetectConfig } from "../config.js";
import type { Detector } from "../types.js";
import { cidrContains, parseCidr, type Cidr } from "./cidr.js";
import { SigmaEngine, type EngineOptions } from "./engine.js";
import { correlationDraft, detectionDraft } from "./findings.js";
import type { CompiledRule } from "./types.js";

/** A predicate "this draft names something the site allowlists". */
export function siteAllowlist(config: DetectConfig): (draft: FindingDraft) => boolean {
  const domains = config.allowlist.domains.map((d) => d.toLowerCase().replace(/\.$/, "")).filter((d) => d !== "");
  const processes = new Set(config.allowlist.processes.map((p) => p.toLowerCase()));
  const networks: Cidr[] = [];
  for (const ip of config.allowlist.ips) {
    try { networks.push(parseCidr(ip.trim())); } catch { /* not an address: nothing to match */ }
  }
  if (domains.length === 0 && processes.size === 0 && networks.length === 0) return () => false;
  return (draft) => draft.observables.some((o) => {
    const v = o.value.toLowerCase();
    if (o.type === "domain") return domains.some((d) => v === d || v.endsWith(`.${d}`));
    if (o.type === "ip") return networks.some((n) => cidrContains(n, v));
    if (o.type === "process") return processes.has(v);
    return false;
  });
}

export function sigmaDetector(rules: readonly CompiledRule[], engineOptions: EngineOptions = {}): Detector {
  const datasets = new Set<string>();
  const categories = new Set<string>();
  let routed = 0;
  for (const r of rules) {
    if (r.kind !== "detection" || !r.route) continue;
    routed++;
    for (const d of r.route.datasets) datasets.add(d);
    for (const c of r.route.categories) categories.add(c);
  }
  return {
    id: "sigma",
    title: `Sigma rules (${routed} routed of ${rules.length})`,
    routes: { datasets: [...datasets], categories: [...categories] },
    start(ctx) {
      const allowlisted = siteAllowlist(ctx.config);
      const emit = (draft: FindingDraft) => { if (!allowlisted(draft)) ctx.emit(draft); };
      const engine = new SigmaEngine(rules, {
        detection: (rule, event) => emit(detectionDraft(rule, event)),
        correlation: (rule, hit) => emit(correlationDraft(rule, hit)),
        disabled: (rule, reason) => ctx.warn?.({ file: rule.meta.file, line: rule.meta.line, message: reason }),
      }, engineOptions);
      return {
        onEvent: (event) => engine.process(event),
        finish: () => engine.finish(),
      };
    },
  };
}
