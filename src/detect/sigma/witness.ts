/**
 * Witness algebra for the prefilter: the set of literals of which at least one must be present in
 * an event for a rule to match (rsigma's "witness" idea). AND keeps the cheapest operand's set, OR
 * unites them, NOT and anything without literals give "no requirement" (null).
 */
import { ANY, ONE, type SigmaStr } from "./sigma-string.js";
import type { FieldRef } from "./event-view.js";
import type { Witness, WitnessLiteral } from "./types.js";

/** Substring literals longer than this are cut to their last characters (a piece of a required text is required too). */
export const MAX_LITERAL = 16;

/** Witness literal of one string pattern on one field: the whole value, or its longest fixed run. */
export function patternLiteral(ref: FieldRef, s: SigmaStr): WitnessLiteral | null {
  const simple = s.parts.every((p) => typeof p === "string");
  if (simple) return { ref, text: s.parts.join("").toLowerCase(), exact: true };
  let best = "";
  let run = "";
  for (const p of s.parts) {
    if (p === ANY || p === ONE || typeof p === "object") {
      if (run.length > best.length) best = run;
      run = "";
    } else run += p;
  }
  if (run.length > best.length) best = run;
  if (best.length === 0) return null;
  const lower = best.toLowerCase();
  return { ref, text: lower.length > MAX_LITERAL ? lower.slice(lower.length - MAX_LITERAL) : lower, exact: false };
}

/** Union of alternatives: any of them may be what matched. */
export function anyOf(parts: readonly Witness[]): Witness {
  const out: WitnessLiteral[] = [];
  for (const w of parts) {
    if (w === null) return null;
    out.push(...w);
  }
  return out.length === 0 ? null : out;
}

/**
 * How likely a witness is to be present in an unrelated event: the sum over its literals of a rough
 * chance of finding each (a 1-character substring is nearly always there, each further character
 * halves the chance; a whole-value equality is rarely true). AND keeps the operand that is least
 * likely present, so the prefilter skips the rule most often.
 */
function cost(w: readonly WitnessLiteral[]): number {
  let sum = 0;
  for (const l of w) sum += l.exact ? 0.02 : Math.max(2 ** -(l.text.length - 1), 1e-4);
  return sum;
}

/** Conjunction: every part is required, so the cheapest one is enough. */
export function allOf(parts: readonly Witness[]): Witness {
  let best: Witness = null;
  for (const w of parts) {
    if (w === null || w.length === 0) continue;
    if (best === null || cost(w) < cost(best)) best = w;
  }
  return best;
}

/** Drop repeated literals (done once per rule: the index would only count them twice). */
export function dedupeWitness(w: Witness): Witness {
  return w === null ? null : dedupe(w);
}

function dedupe(lits: readonly WitnessLiteral[]): WitnessLiteral[] {
  const seen = new Set<string>();
  const out: WitnessLiteral[] = [];
  for (const l of lits) {
    const k = `${l.ref.id}\0${l.exact ? "=" : "~"}${l.text}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(l);
  }
  return out;
}
