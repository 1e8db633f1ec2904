/**
 * Detection values and the value-modifier table. A YAML value becomes a typed Val; the modifiers
 * named after the field (`field|contains|all`) are applied left to right, each one a small function
 * from the table below, as in pySigma. An unknown name, or a modifier that does not fit the value
 * it gets, is an error of the rule.
 */
import { parseCidr, type Cidr } from "./cidr.js";
import { base64, base64Offsets, utf16, windash, windashCount, WINDASH_MAX_POSITIONS } from "./encodings.js";
import { anchoredAtEnd, anchoredAtStart, type RegexFlags } from "./regex.js";
import {
  appendAny, hasPlaceholders, hasWildcards, insertPlaceholders, literalStr, makeStr, parseSigmaString, plainText,
  prependAny, type SigmaStr, type StrPart,
} from "./sigma-string.js";
import { TIME_PARTS, type TimePart } from "./time-parts.js";
import { SigmaRuleError } from "./types.js";

export type NumericOp = "gt" | "gte" | "lt" | "lte" | "eq";

export type Val =
  /** A string pattern. `raw` is the YAML text while no modifier has touched it (re/cidr need it). */
  | { t: "str"; s: SigmaStr; raw?: string; cased: boolean }
  | { t: "num"; n: number }
  | { t: "bool"; b: boolean }
  | { t: "null" }
  | { t: "re"; pattern: string; flags: RegexFlags }
  | { t: "cidr"; cidr: Cidr; text: string }
  /** Numeric comparison; with `part` the field is a date and the comparison is on that part. */
  | { t: "cmp"; op: NumericOp; n: number; part?: TimePart }
  | { t: "exists"; b: boolean }
  | { t: "fieldref"; field: string; start: boolean; end: boolean }
  /** Alternatives one value expanded into (base64offset, windash, expand): joined with OR. */
  | { t: "exp"; alts: Val[] };

/** A value as it comes from YAML. */
export function valFromYaml(v: unknown, path: readonly (string | number)[]): Val {
  if (v === null || v === undefined) return { t: "null" };
  if (typeof v === "string") return { t: "str", s: parseSigmaString(v), raw: v, cased: false };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new SigmaRuleError(`value ${String(v)} is not a finite number`, path);
    return { t: "num", n: v };
  }
  if (typeof v === "boolean") return { t: "bool", b: v };
  throw new SigmaRuleError(`a detection value must be a string, number, boolean or null, not ${Array.isArray(v) ? "a list" : "a map"}`, path);
}

export interface ItemState {
  field: string | null;
  linkAll: boolean;
  negate: boolean;
}

export interface ModifierContext {
  item: ItemState;
  /** Modifiers already applied to this item (pySigma's applied_modifiers). */
  applied: readonly string[];
  placeholders: Readonly<Record<string, readonly string[]>>;
  path: readonly (string | number)[];
}

type ValueModifier = (v: Val, ctx: ModifierContext) => Val;
type ListModifier = (ctx: ModifierContext) => void;

export type Modifier = { scope: "list"; apply: ListModifier } | { scope: "value"; apply: ValueModifier };

const typeName: Record<Val["t"], string> = {
  str: "a string", num: "a number", bool: "a boolean", null: "null", re: "a regular expression",
  cidr: "a CIDR network", cmp: "a comparison", exists: "an exists check", fieldref: "a field reference", exp: "an expansion",
};

function refuse(name: string, v: Val, ctx: ModifierContext, why?: string): never {
  throw new SigmaRuleError(`modifier '${name}' cannot be applied to ${typeName[v.t]}${why ? `: ${why}` : ""}`, ctx.path);
}

/** Numbers and booleans become their text when a string modifier meets them (lenient, like most backends). */
function asStr(v: Val): Extract<Val, { t: "str" }> | undefined {
  if (v.t === "str") return v;
  if (v.t === "num") return { t: "str", s: literalStr(String(v.n)), cased: false };
  if (v.t === "bool") return { t: "str", s: literalStr(v.b ? "true" : "false"), cased: false };
  return undefined;
}

function wrapRegex(v: Extract<Val, { t: "re" }>, start: boolean, end: boolean): Val {
  let p = v.pattern;
  if (start && !anchoredAtStart(p)) p = `^(?:${p})`;
  if (end && !anchoredAtEnd(p)) p = `(?:${p})$`;
  return { ...v, pattern: p };
}

function positional(name: string, start: boolean, end: boolean): ValueModifier {
  return (v, ctx) => {
    // A regex is a search already: contains leaves it alone, startswith/endswith anchor it.
    if (v.t === "re") return start && end ? v : wrapRegex(v, start, end);
    if (v.t === "fieldref") return { ...v, start: v.start || start, end: v.end || end };
    const s = asStr(v);
    if (!s) return refuse(name, v, ctx);
    let out = s.s;
    if (start) out = appendAny(out);
    if (end) out = prependAny(out);
    return { t: "str", s: out, cased: s.cased };
  };
}

function encoded(name: string, v: Val, ctx: ModifierContext): Extract<Val, { t: "str" }> {
  const s = asStr(v);
  if (!s) return refuse(name, v, ctx);
  if (hasWildcards(s.s) || hasPlaceholders(s.s)) refuse(name, v, ctx, "base64 of a value with wildcards is not allowed");
  return s;
}

function utf16Modifier(name: string, kind: "utf16le" | "utf16be" | "utf16"): ValueModifier {
  return (v, ctx) => {
    const s = asStr(v);
    if (!s) return refuse(name, v, ctx);
    if (s.s.binary) refuse(name, v, ctx, "the value is already encoded");
    return { t: "str", s: utf16(s.s, kind), cased: s.cased };
  };
}

function regexFlag(name: string, flag: keyof RegexFlags): ValueModifier {
  return (v, ctx) => {
    if (v.t !== "re") return refuse(name, v, ctx, "it is a flag of the 're' modifier");
    return { ...v, flags: { ...v.flags, [flag]: true } };
  };
}

function compare(name: string, op: NumericOp): ValueModifier {
  return (v, ctx) => {
    if (v.t === "num") return { t: "cmp", op, n: v.n };
    if (v.t === "cmp" && v.part && v.op === "eq") return { ...v, op };
    return refuse(name, v, ctx, "comparisons need a number");
  };
}

function timeModifier(part: TimePart): ValueModifier {
  return (v, ctx) => {
    if (v.t !== "num") return refuse(part, v, ctx, "time parts compare with a number");
    return { t: "cmp", op: "eq", n: v.n, part };
  };
}

/** Cap on the alternatives one value may expand to (placeholder products). */
const MAX_EXPANSION = 4096;

function expandPlaceholders(s: SigmaStr, ctx: ModifierContext): SigmaStr[] {
  let variants: StrPart[][] = [[]];
  for (const p of s.parts) {
    if (typeof p !== "object") { for (const v of variants) v.push(p); continue; }
    const values = ctx.placeholders[p.placeholder];
    if (!values || values.length === 0) {
      throw new SigmaRuleError(`placeholder %${p.placeholder}% has no configured values (the expand modifier needs them; rules with unresolved placeholders are refused)`, ctx.path);
    }
    const next: StrPart[][] = [];
    for (const v of variants) for (const text of values) next.push([...v, ...parseSigmaString(text).parts]);
    if (next.length > MAX_EXPANSION) throw new SigmaRuleError(`placeholder expansion gives more than ${MAX_EXPANSION} values`, ctx.path);
    variants = next;
  }
  return variants.map((parts) => makeStr(parts, s.binary));
}

function expandRegex(v: Extract<Val, { t: "re" }>, ctx: ModifierContext): Val {
  let out = "";
  let i = 0;
  const p = v.pattern;
  while (i < p.length) {
    const c = p[i]!;
    if (c === "\\" && i + 1 < p.length) { out += p.slice(i, i + 2); i += 2; continue; }
    if (c === "%") {
      const end = p.indexOf("%", i + 1);
      if (end > i + 1) {
        const name = p.slice(i + 1, end);
        const values = ctx.placeholders[name];
        if (!values || values.length === 0) {
          throw new SigmaRuleError(`placeholder %${name}% has no configured values (the expand modifier needs them; rules with unresolved placeholders are refused)`, ctx.path);
        }
        out += `(?:${values.map((x) => x.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")).join("|")})`;
        i = end + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { ...v, pattern: out };
}

/** The modifier table: every name the spec (v2.1) and pySigma accept, plus `utf16le`. */
export const MODIFIERS: Readonly<Record<string, Modifier>> = {
  all: { scope: "list", apply: (ctx) => { ctx.item.linkAll = true; } },
  neq: { scope: "list", apply: (ctx) => { ctx.item.negate = true; } },
  contains: { scope: "value", apply: positional("contains", true, true) },
  startswith: { scope: "value", apply: positional("startswith", true, false) },
  endswith: { scope: "value", apply: positional("endswith", false, true) },
  base64: { scope: "value", apply: (v, ctx) => {
    const s = encoded("base64", v, ctx);
    return { t: "str", s: literalStr(base64(plainText(s.s) ?? "", s.s.binary)), cased: s.cased };
  } },
  base64offset: { scope: "value", apply: (v, ctx) => {
    const s = encoded("base64offset", v, ctx);
    const alts: Val[] = base64Offsets(plainText(s.s) ?? "", s.s.binary).map((text) => ({ t: "str", s: literalStr(text), cased: s.cased }));
    return { t: "exp", alts };
  } },
  utf16le: { scope: "value", apply: utf16Modifier("utf16le", "utf16le") },
  wide: { scope: "value", apply: utf16Modifier("wide", "utf16le") },
  utf16be: { scope: "value", apply: utf16Modifier("utf16be", "utf16be") },
  utf16: { scope: "value", apply: utf16Modifier("utf16", "utf16") },
  windash: { scope: "value", apply: (v, ctx) => {
    const s = asStr(v);
    if (!s) return refuse("windash", v, ctx);
    const n = windashCount(s.s);
    if (n > WINDASH_MAX_POSITIONS) refuse("windash", v, ctx, `${n} dash positions would give 5^${n} variants (limit 5^${WINDASH_MAX_POSITIONS})`);
    return { t: "exp", alts: windash(s.s).map((x) => ({ t: "str", s: x, cased: s.cased })) };
  } },
  re: { scope: "value", apply: (v, ctx) => {
    if (ctx.applied.length > 0) refuse("re", v, ctx, "'re' only takes an unmodified value (write it first)");
    if (v.t === "str" && v.raw !== undefined) return { t: "re", pattern: v.raw, flags: { i: false, m: false, s: false } };
    if (v.t === "num") return { t: "re", pattern: String(v.n), flags: { i: false, m: false, s: false } };
    return refuse("re", v, ctx);
  } },
  i: { scope: "value", apply: regexFlag("i", "i") },
  ignorecase: { scope: "value", apply: regexFlag("ignorecase", "i") },
  m: { scope: "value", apply: regexFlag("m", "m") },
  multiline: { scope: "value", apply: regexFlag("multiline", "m") },
  s: { scope: "value", apply: regexFlag("s", "s") },
  dotall: { scope: "value", apply: regexFlag("dotall", "s") },
  cased: { scope: "value", apply: (v, ctx) => {
    const s = asStr(v);
    if (!s) return refuse("cased", v, ctx);
    return { ...s, cased: true };
  } },
  cidr: { scope: "value", apply: (v, ctx) => {
    if (ctx.applied.length > 0) refuse("cidr", v, ctx, "'cidr' only takes an unmodified value");
    if (v.t !== "str" || v.raw === undefined) return refuse("cidr", v, ctx);
    try {
      return { t: "cidr", cidr: parseCidr(v.raw.trim()), text: v.raw.trim() };
    } catch (e) {
      throw new SigmaRuleError(`cidr: ${(e as Error).message}`, ctx.path);
    }
  } },
  exists: { scope: "value", apply: (v, ctx) => {
    if (ctx.item.field === null) throw new SigmaRuleError("'exists' needs a field name", ctx.path);
    if (ctx.applied.length > 0) refuse("exists", v, ctx, "'exists' only takes an unmodified boolean");
    if (v.t !== "bool") return refuse("exists", v, ctx, "'exists' takes true or false");
    return { t: "exists", b: v.b };
  } },
  gt: { scope: "value", apply: compare("gt", "gt") },
  gte: { scope: "value", apply: compare("gte", "gte") },
  lt: { scope: "value", apply: compare("lt", "lt") },
  lte: { scope: "value", apply: compare("lte", "lte") },
  expand: { scope: "value", apply: (v, ctx) => {
    if (v.t === "re") return expandRegex(v, ctx);
    const s = asStr(v);
    if (!s) return refuse("expand", v, ctx);
    const withPlaceholders = insertPlaceholders(s.s);
    if (!hasPlaceholders(withPlaceholders)) return { ...s, s: withPlaceholders };
    return { t: "exp", alts: expandPlaceholders(withPlaceholders, ctx).map((x) => ({ t: "str", s: x, cased: s.cased })) };
  } },
  fieldref: { scope: "value", apply: (v, ctx) => {
    const s = asStr(v);
    if (!s) return refuse("fieldref", v, ctx);
    const name = plainText(s.s);
    if (name === undefined || name === "") refuse("fieldref", v, ctx, "a field reference is a plain field name without wildcards");
    return { t: "fieldref", field: name, start: false, end: false };
  } },
  ...Object.fromEntries(TIME_PARTS.map((p): [string, Modifier] => [p, { scope: "value", apply: timeModifier(p) }])),
};

/** Apply one modifier to a value, looking inside expansions (flattening nested ones). */
function applyToValue(mod: ValueModifier, v: Val, ctx: ModifierContext): Val {
  if (v.t !== "exp") return mod(v, ctx);
  const alts: Val[] = [];
  for (const a of v.alts) {
    const r = applyToValue(mod, a, ctx);
    if (r.t === "exp") alts.push(...r.alts);
    else alts.push(r);
  }
  return { t: "exp", alts };
}

/** Run the modifier chain of one detection item over its values. */
export function applyModifiers(
  names: readonly string[], values: Val[], item: ItemState,
  placeholders: Readonly<Record<string, readonly string[]>>, path: readonly (string | number)[],
): Val[] {
  let out = values;
  const applied: string[] = [];
  for (const name of names) {
    const mod = MODIFIERS[name];
    if (!mod) throw new SigmaRuleError(`unknown modifier '${name}'`, path);
    const ctx: ModifierContext = { item, applied, placeholders, path };
    if (mod.scope === "list") mod.apply(ctx);
    else out = out.map((v) => applyToValue(mod.apply, v, ctx));
    applied.push(name);
  }
  return out;
}
