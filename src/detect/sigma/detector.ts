/**
 * The Sigma engine as a minerhunt Detector: routes are the union of the rules' routes, and every
 * match becomes a FindingDraft (rule.kind "sigma" or "sigma-correlation").
 */
import type { Detector } from "../types.js";
import { SigmaEngine } from "./engine.js";
import { correlationDraft, detectionDraft } from "./findings.js";
import type { CompiledRule } from "./types.js";

export function sigmaDetector(rules: readonly CompiledRule[]): Detector {
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
      const engine = new SigmaEngine(rules, {
        detection: (rule, event) => ctx.emit(detectionDraft(rule, event)),
        correlation: (rule, hit) => ctx.emit(correlationDraft(rule, hit)),
      });
      return {
        onEvent: (event) => engine.process(event),
        finish: () => engine.finish(),
      };
    },
  };
}
