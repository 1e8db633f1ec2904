/**
 * Runs the tests embedded in rules (`tests:` list, docs/sigma.md) through the real engine, routing
 * included: a test event must carry the event.dataset / event.category its source would write, so
 * a test also proves that the rule sees the events it was written for.
 */
import type { Event } from "../../model/index.js";
import { SigmaEngine } from "./engine.js";
import type { CompiledRule, RuleTestCase } from "./types.js";

export interface RuleTestResult {
  rule: CompiledRule;
  test: RuleTestCase;
  index: number;
  passed: boolean;
  /** What happened, in words. */
  message: string;
}

export interface RuleTestReport {
  results: RuleTestResult[];
  passed: number;
  failed: number;
  /** Rules that carry no tests. */
  untested: CompiledRule[];
}

/** A rule and every rule it needs (correlation sources, transitively). */
function withDependencies(rule: CompiledRule, byKey: Map<string, CompiledRule>): CompiledRule[] {
  const out = new Map<string, CompiledRule>();
  const stack = [rule];
  while (stack.length) {
    const r = stack.pop()!;
    if (out.has(r.key)) continue;
    out.set(r.key, r);
    if (r.kind === "correlation") for (const k of r.sources) { const s = byKey.get(k); if (s) stack.push(s); }
  }
  return [...out.values()];
}

function describeEvent(e: Event): string {
  const ds = e["event.dataset"];
  const cat = e["event.category"];
  return `event.dataset ${ds === undefined ? "(none)" : JSON.stringify(ds)}, event.category ${cat === undefined ? "(none)" : JSON.stringify(cat)}`;
}

function runOne(rule: CompiledRule, test: RuleTestCase, byKey: Map<string, CompiledRule>): { fired: boolean; why: string } {
  let fired = false;
  const engine = new SigmaEngine(withDependencies(rule, byKey), {
    detection: (r) => { if (r.key === rule.key) fired = true; },
    correlation: (r) => { if (r.key === rule.key) fired = true; },
  }, { reportAll: true });
  const events = test.events ?? (test.event ? [test.event] : []);
  for (const e of events) engine.process(e);
  engine.finish();
  const failure = engine.failures.get(rule.key);
  if (failure) return { fired: false, why: `rule failed while matching: ${failure}` };
  if (fired || rule.kind !== "detection") return { fired, why: "" };
  if (!rule.route) return { fired, why: "the rule's logsource is not routed, so it never runs" };
  const routed = events.some((e) => engine.routedRules(e).includes(rule));
  return { fired, why: routed ? "" : `the event is not routed to this rule (${describeEvent(events[0] ?? {})}; the rule wants ${rule.route.label})` };
}

export function runRuleTests(rules: readonly CompiledRule[]): RuleTestReport {
  const byKey = new Map(rules.map((r) => [r.key, r] as const));
  const results: RuleTestResult[] = [];
  const untested: CompiledRule[] = [];
  for (const rule of rules) {
    if (rule.tests.length === 0) { untested.push(rule); continue; }
    rule.tests.forEach((test, index) => {
      if (rule.kind === "correlation" && !test.events) {
        results.push({ rule, test, index, passed: false, message: "a correlation test needs 'events' (a list, in time order)" });
        return;
      }
      const { fired, why } = runOne(rule, test, byKey);
      const passed = fired === test.match;
      let message: string;
      if (passed) message = test.match ? "matched, as expected" : "did not match, as expected";
      else if (test.match) message = `expected a match, got none${why ? `: ${why}` : ""}`;
      else message = "matched, but the test says it must not";
      results.push({ rule, test, index, passed, message });
    });
  }
  const passed = results.filter((r) => r.passed).length;
  return { results, passed, failed: results.length - passed, untested };
}
