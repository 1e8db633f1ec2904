/**
 * Compile the values of one detection item (after modifiers) into a predicate over an event:
 * "some value of the field satisfies one of these values". Plain strings share one TextTest (exact
 * values in a Set, then prefixes, suffixes, substrings, globs); regexes, CIDRs, comparisons,
 * exists checks and field references get their own small closures.
 */
import { cidrContains } from "./cidr.js";
import type { EventView, FieldRef } from "./event-view.js";
import { compileRegex } from "./regex.js";
import type { SigmaStr } from "./sigma-string.js";
import { compilePatterns, type TextTest } from "./text-match.js";
import { timePart } from "./time-parts.js";
import { SigmaRuleError, type Predicate } from "./types.js";
import type { NumericOp, Val } from "./values.js";
import { literalStr } from "./sigma-string.js";

/** Where an item's values come from: one field, or every value of the event (keywords). */
export interface ValueSource {
  text(view: EventView): readonly string[];
  lower(view: EventView): readonly string[];
  exists(view: EventView): boolean;
}

export function fieldSource(ref: FieldRef): ValueSource {
  return {
    text: (v) => v.strings(ref),
    lower: (v) => v.lower(ref),
    exists: (v) => v.exists(ref),
  };
}

export const keywordSource: ValueSource = {
  text: (v) => v.keywords(),
  lower: (v) => v.keywordsLower(),
  exists: () => true,
};

/** Decimal numbers only: "0x10", "Infinity" and empty text are not numbers here. */
export function toNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === "" || t.length > 64) return undefined;
  if (t.length > 1 && t[0] === "0" && /[xXoObB]/.test(t[1]!)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function compareNumbers(a: number, op: NumericOp, b: number): boolean {
  switch (op) {
    case "gt": return a > b;
    case "gte": return a >= b;
    case "lt": return a < b;
    case "lte": return a <= b;
    case "eq": return a === b;
  }
}

function anyText(texts: readonly string[], test: TextTest): boolean {
  for (const t of texts) if (test(t)) return true;
  return false;
}

export function orPredicates(preds: readonly Predicate[]): Predicate {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) { const [a, b] = preds as [Predicate, Predicate]; return (v) => a(v) || b(v); }
  return (v) => { for (const p of preds) if (p(v)) return true; return false; };
}

export function andPredicates(preds: readonly Predicate[]): Predicate {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) { const [a, b] = preds as [Predicate, Predicate]; return (v) => a(v) && b(v); }
  return (v) => { for (const p of preds) if (!p(v)) return false; return true; };
}

export function flattenValues(vals: readonly Val[]): Val[] {
  const out: Val[] = [];
  for (const v of vals) {
    if (v.t === "exp") out.push(...flattenValues(v.alts));
    else out.push(v);
  }
  return out;
}

export interface ValueMatchEnv {
  /** Resolve the field a `fieldref` value names. */
  resolveField(name: string): FieldRef;
  path: readonly (string | number)[];
}

function fieldRefPredicate(src: ValueSource, other: FieldRef, start: boolean, end: boolean): Predicate {
  const test = (a: string, b: string): boolean => {
    if (start && end) return a.includes(b);
    if (start) return a.startsWith(b);
    if (end) return a.endsWith(b);
    return a === b;
  };
  return (view) => {
    const mine = src.lower(view);
    const theirs = view.lower(other);
    for (const a of mine) for (const b of theirs) if (test(a, b)) return true;
    return false;
  };
}

/** One predicate for values joined with OR. */
export function valuesPredicate(vals: readonly Val[], src: ValueSource, env: ValueMatchEnv): Predicate {
  const caseless: SigmaStr[] = [];
  const cased: SigmaStr[] = [];
  const preds: Predicate[] = [];
  for (const v of flattenValues(vals)) {
    switch (v.t) {
      case "str": (v.cased ? cased : caseless).push(v.s); break;
      case "num": caseless.push(literalStr(String(v.n))); break;
      case "bool": caseless.push(literalStr(v.b ? "true" : "false")); break;
      case "null": preds.push((view) => src.text(view).length === 0); break;
      case "re": {
        let re;
        try { re = compileRegex(v.pattern, v.flags); } catch (e) { throw new SigmaRuleError((e as Error).message, env.path); }
        preds.push((view) => { for (const t of src.text(view)) if (re.test(t)) return true; return false; });
        break;
      }
      case "cidr": {
        const cidr = v.cidr;
        preds.push((view) => { for (const t of src.text(view)) if (cidrContains(cidr, t)) return true; return false; });
        break;
      }
      case "cmp": {
        const { op, n, part } = v;
        preds.push((view) => {
          for (const t of src.text(view)) {
            const x = part ? timePart(t, part) : toNumber(t);
            if (x !== undefined && compareNumbers(x, op, n)) return true;
          }
          return false;
        });
        break;
      }
      case "exists": { const want = v.b; preds.push((view) => src.exists(view) === want); break; }
      case "fieldref": preds.push(fieldRefPredicate(src, env.resolveField(v.field), v.start, v.end)); break;
      case "exp": break; // flattened above
    }
  }
  if (caseless.length > 0) {
    const test = compilePatterns(caseless, false);
    preds.unshift((view) => anyText(src.lower(view), test));
  }
  if (cased.length > 0) {
    const test = compilePatterns(cased, true);
    preds.unshift((view) => anyText(src.text(view), test));
  }
  if (preds.length === 0) return () => false;
  return orPredicates(preds);
}
