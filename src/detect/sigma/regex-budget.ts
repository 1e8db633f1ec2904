/**
 * A CPU budget per rule per event for rules that run a regex. The caps in regex.ts bound what one match can
 * cost, but a rule at the caps over many large fields still costs; a rule that goes over its budget on
 * `strikes` events is disabled for the rest of the scan and reported (file, line, what it cost), so it can
 * never stall a scan. Only rules with a regex are timed: timing costs more than most rules do.
 */
import type { EventView } from "./event-view.js";
import type { CompiledDetectionRule } from "./types.js";

export const DEFAULT_REGEX_BUDGET_MS = 100;
export const DEFAULT_REGEX_STRIKES = 3;

export class RegexBudget {
  private readonly strikes = new Map<string, { count: number; worstMs: number }>();

  constructor(private readonly budgetMs = DEFAULT_REGEX_BUDGET_MS, private readonly maxStrikes = DEFAULT_REGEX_STRIKES) {}

  /** Run the rule on the event, timed; returns whether it matched. */
  run(rule: CompiledDetectionRule, view: EventView): boolean {
    const start = performance.now();
    const hit = rule.match(view);
    const ms = performance.now() - start;
    if (ms > this.budgetMs) {
      const s = this.strikes.get(rule.key) ?? { count: 0, worstMs: 0 };
      s.count++;
      s.worstMs = Math.max(s.worstMs, ms);
      this.strikes.set(rule.key, s);
    }
    return hit;
  }

  /** Why the rule must stop now, or undefined while it is within its budget. */
  tripped(rule: CompiledDetectionRule): string | undefined {
    const s = this.strikes.get(rule.key);
    if (!s || s.count < this.maxStrikes) return undefined;
    return `rule '${rule.meta.title}' went over its ${this.budgetMs} ms budget per event on ${s.count} events ` +
      `(worst ${Math.round(s.worstMs)} ms): disabled for the rest of this scan; simplify its regular expressions`;
  }
}
