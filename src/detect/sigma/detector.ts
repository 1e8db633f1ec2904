/**
 * The Sigma engine as a minerhunt Detector: routes are the union of the rules' routes, and every
 * match becomes a FindingDraft (rule.kind "sigma" or "sigma-correlation"). The site allowlist is the
 * engine's (detect/allowlist.ts), applied to these findings as to every other; rule-level tuning
 * belongs in Sigma filter rules.
 */
import type { FindingDraft } from "../../model/index.js";
import type { Detector, DetectorDraft } from "../types.js";
import { SigmaEngine, type EngineOptions } from "./engine.js";
import { correlationDraft, detectionDraft } from "./findings.js";
import type { CompiledRule } from "./types.js";

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
      // Sigma tags are rule data: the playbook reads only the namespaced ones (model/tags.ts isKnownTag).
      const emit = (draft: FindingDraft) => ctx.emit(draft as DetectorDraft);
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
