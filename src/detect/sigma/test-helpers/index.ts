/**
 * Helpers for the Sigma engine's tests (excluded from the build): compile a rule from YAML text
 * and ask whether an event matches it.
 */
import type { Event } from "../../../model/index.js";
import { EventView } from "../event-view.js";
import { compileRuleSources, type LoadOptions } from "../loader.js";
import { defaultTables } from "../tables.js";
import type { CompiledDetectionRule, LoadResult } from "../types.js";

/** A rule around a detection block (indented YAML lines under `detection:`). */
export function ruleText(detection: string, logsource = "  product: linux\n  category: process_creation"): string {
  const body = detection.replace(/^\n/, "").split("\n").map((l) => (l.trim() === "" ? l : `  ${l}`)).join("\n");
  return `title: Test rule\nid: 5d0b2a7e-8a2c-4c52-9b1d-4a3f9f0b6a11\nstatus: test\nlevel: high\nlogsource:\n${logsource}\ndetection:\n${body}\n`;
}

export function load(text: string, options: LoadOptions = {}, file = "test.yml"): LoadResult {
  return compileRuleSources([{ file, text }], { ...options, tables: options.tables ?? defaultTables() });
}

/** Compile one detection rule; throws with the refusal message when it is refused. */
export function compile(text: string, options: LoadOptions = {}): CompiledDetectionRule {
  const r = load(text, options);
  if (r.refused.length > 0) throw new Error(`refused: ${r.refused[0]!.message}`);
  const rule = r.rules[0];
  if (!rule || rule.kind !== "detection") throw new Error("no detection rule compiled");
  return rule;
}

/** The refusal message of a rule that must not compile. */
export function refusal(text: string, options: LoadOptions = {}): string {
  const r = load(text, options);
  if (r.refused.length === 0) throw new Error("expected the rule to be refused, but it compiled");
  return r.refused[0]!.message;
}

/** Compile a detection block and return a matcher over events. */
export function matcher(detection: string, options: LoadOptions = {}): (event: Event) => boolean {
  const rule = compile(ruleText(detection), options);
  return (event) => rule.match(new EventView(event));
}
