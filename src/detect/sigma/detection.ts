/**
 * Compile a `detection` block (or a filter's `filter` block) into one predicate plus its witness.
 *
 * Search identifiers: a map is the AND of its items; a list of maps is their OR; a list of scalars
 * (or one scalar) is a keyword search whose values are joined with OR (AND with `'|all'`). Each
 * item `field|mods: values` joins its values with OR, or AND under `all`.
 * The condition (a string or a list of strings, joined with OR) is parsed by condition.ts.
 */
import { parseCondition, resolvePattern, type CondNode } from "./condition.js";
import type { FieldRef } from "./event-view.js";
import type { FieldResolver } from "./field-map.js";
import { appendAny, hasEscapedWildcard, literalStr, prependAny } from "./sigma-string.js";
import { SigmaRuleError, type Predicate, type Witness } from "./types.js";
import {
  andPredicates, fieldSource, flattenValues, keywordSource, orPredicates, valuesPredicate,
} from "./value-match.js";
import { applyModifiers, valFromYaml, type ItemState, type Val } from "./values.js";
import { requiredLiterals } from "./regex-literals.js";
import { allOf, anyOf, dedupeWitness, MAX_LITERAL, patternLiteral } from "./witness.js";

type Path = readonly (string | number)[];

export interface DetectionEnv {
  resolve: FieldResolver;
  placeholders: Readonly<Record<string, readonly string[]>>;
  warn(code: string, message: string, path: Path): void;
}

export interface CompiledDetection {
  match: Predicate;
  witness: Witness;
  /** Fields read in a negated position: a missing field there makes the rule match. */
  negatedFields: FieldRef[];
  /** ECS fields read (first candidate of each mapped field). */
  fields: string[];
  identifiers: string[];
}

interface Compiled {
  pred: Predicate;
  witness: Witness;
  /** Fields whose absence can only make this part false (pos) or can make it true (neg). */
  pos: FieldRef[];
  neg: FieldRef[];
}

function joinFields(parts: readonly Compiled[]): { pos: FieldRef[]; neg: FieldRef[] } {
  return { pos: parts.flatMap((p) => p.pos), neg: parts.flatMap((p) => p.neg) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function valueWitness(ref: FieldRef, v: Val): Witness {
  switch (v.t) {
    case "str": { const lit = patternLiteral(ref, v.s); return lit ? [lit] : null; }
    case "num": return [{ ref, text: String(v.n), exact: true }];
    case "bool": return [{ ref, text: v.b ? "true" : "false", exact: true }];
    case "exp": return anyOf(v.alts.map((a) => valueWitness(ref, a)));
    case "re": {
      const lits = requiredLiterals(v.pattern);
      return lits ? lits.map((text) => ({ ref, text: text.length > MAX_LITERAL ? text.slice(text.length - MAX_LITERAL) : text, exact: false })) : null;
    }
    default: return null;
  }
}

function modifierWarnings(mods: readonly string[], values: readonly unknown[], env: DetectionEnv, path: Path): void {
  const seen = new Set<string>();
  for (const m of mods) {
    if (seen.has(m)) env.warn("duplicate-modifier", `modifier '${m}' is given twice`, path);
    seen.add(m);
  }
  if (seen.has("all")) {
    if (values.length < 2) env.warn("all-single-value", "the 'all' modifier on a single value (the spec forbids it; use another selection)", path);
    else if (!seen.has("contains") && !seen.has("re") && values.every((v) => typeof v === "string" && !/[*?]/.test(v))) {
      env.warn("all-without-contains", "'all' without 'contains' asks one field to equal several values at once", path);
    }
    if (seen.has("windash")) env.warn("all-with-windash", "'all' together with 'windash'", path);
  }
  if (seen.has("base64offset") && !seen.has("contains")) {
    env.warn("base64offset-without-contains", "'base64offset' without 'contains' (the encoded value sits inside a longer text)", path);
  }
}

function compileItem(field: string | null, mods: string[], raw: unknown, env: DetectionEnv, path: Path, fields: Set<string>): Compiled {
  let rawValues: unknown[];
  if (Array.isArray(raw)) {
    rawValues = raw;
    if (raw.length === 0) {
      if (field === null) throw new SigmaRuleError("a keyword search needs at least one value", path);
      env.warn("empty-value-list", "an empty value list is read as a null check", path);
      rawValues = [null];
    }
  } else rawValues = [raw];
  if (rawValues.some((v) => v === null) && rawValues.length > 1) {
    env.warn("null-in-list", "null inside a value list (the spec wants null in its own selection)", path);
  }
  if (field === null && rawValues.some((v) => v === null)) throw new SigmaRuleError("a keyword search cannot be null", path);

  modifierWarnings(mods, rawValues, env, path);
  const item: ItemState = { field, linkAll: false, negate: false };
  let values = rawValues.map((v, i) => valFromYaml(v, Array.isArray(raw) ? [...path, i] : path));
  values = applyModifiers(mods, values, item, env.placeholders, path);

  for (const v of flattenValues(values)) {
    if (v.t === "str" && !mods.includes("re") && hasEscapedWildcard(v.s)) {
      env.warn("escaped-wildcard", "value holds an escaped (literal) * or ?; if a wildcard was meant, drop the backslash before it", path);
      break;
    }
  }

  if (field === null) {
    // Keywords search the whole event: a plain keyword matches anywhere inside a value.
    values = values.map(function asContains(v): Val {
      if (v.t === "str") return { ...v, s: appendAny(prependAny(v.s)) };
      if (v.t === "num" || v.t === "bool") return { t: "str", s: appendAny(prependAny(literalStr(v.t === "num" ? String(v.n) : String(v.b)))), cased: false };
      if (v.t === "exp") return { t: "exp", alts: v.alts.map(asContains) };
      return v;
    });
  }

  const ref = field === null ? undefined : env.resolve(field);
  const read: FieldRef[] = [];
  if (ref) { fields.add(ref.keys[0]!); read.push(ref); }
  const src = ref ? fieldSource(ref) : keywordSource;
  const matchEnv = {
    resolveField: (name: string) => { const r = env.resolve(name); fields.add(r.keys[0]!); read.push(r); return r; },
    path,
  };
  let pred = item.linkAll
    ? andPredicates(values.map((v) => valuesPredicate([v], src, matchEnv)))
    : valuesPredicate(values, src, matchEnv);
  let witness: Witness = null;
  if (ref && !item.negate) {
    witness = item.linkAll ? allOf(values.map((v) => valueWitness(ref, v))) : anyOf(values.map((v) => valueWitness(ref, v)));
  }
  if (item.negate) { const inner = pred; pred = (view) => !inner(view); }
  // A null check or exists: false is satisfied by a missing field, like a negation.
  const absenceMatches = flattenValues(values).some((v) => v.t === "null" || (v.t === "exists" && !v.b));
  const negative = item.negate !== absenceMatches;
  return { pred, witness, pos: negative ? [] : read, neg: negative ? read : [] };
}

function compileMap(map: Record<string, unknown>, env: DetectionEnv, path: Path, fields: Set<string>): Compiled {
  const keys = Object.keys(map);
  if (keys.length === 0) throw new SigmaRuleError("an empty map matches nothing", path);
  const items = keys.map((key) => {
    const [field, ...mods] = key.split("|");
    return compileItem(field === "" ? null : field!, mods, map[key], env, [...path, key], fields);
  });
  return { pred: andPredicates(items.map((i) => i.pred)), witness: allOf(items.map((i) => i.witness)), ...joinFields(items) };
}

function compileSearch(value: unknown, env: DetectionEnv, path: Path, fields: Set<string>): Compiled {
  if (isPlainObject(value)) return compileMap(value, env, path, fields);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new SigmaRuleError("an empty search identifier matches nothing", path);
    const parts: Compiled[] = [];
    let keywords: unknown[] = [];
    const flushKeywords = () => {
      if (keywords.length) parts.push(compileItem(null, [], keywords, env, path, fields));
      keywords = [];
    };
    value.forEach((el, i) => {
      if (isPlainObject(el)) { flushKeywords(); parts.push(compileMap(el, env, [...path, i], fields)); }
      else if (Array.isArray(el)) throw new SigmaRuleError("a list inside a search identifier list is not valid Sigma", [...path, i]);
      else keywords.push(el);
    });
    flushKeywords();
    return { pred: orPredicates(parts.map((p) => p.pred)), witness: anyOf(parts.map((p) => p.witness)), ...joinFields(parts) };
  }
  if (value === null || value === undefined) throw new SigmaRuleError("a search identifier without a value", path);
  return compileItem(null, [], value, env, path, fields);
}

function compileCondition(node: CondNode, ids: Map<string, Compiled>, names: string[], path: Path): Compiled {
  switch (node.t) {
    case "id": {
      const c = ids.get(node.name);
      if (!c) throw new SigmaRuleError(`condition references '${node.name}', which the detection does not define`, path);
      return c;
    }
    case "not": {
      const inner = compileCondition(node.arg, ids, names, path);
      const p = inner.pred;
      return { pred: (v) => !p(v), witness: null, pos: inner.neg, neg: inner.pos };
    }
    case "and": case "or": {
      const args = node.args.map((a) => compileCondition(a, ids, names, path));
      return node.t === "and"
        ? { pred: andPredicates(args.map((a) => a.pred)), witness: allOf(args.map((a) => a.witness)), ...joinFields(args) }
        : { pred: orPredicates(args.map((a) => a.pred)), witness: anyOf(args.map((a) => a.witness)), ...joinFields(args) };
    }
    case "of": {
      const matched = resolvePattern(node.pattern, names);
      if (matched.length === 0) throw new SigmaRuleError(`'${node.quantifier === "all" ? "all" : "1"} of ${node.pattern}' matches no search identifier`, path);
      const args = matched.map((n) => ids.get(n)!);
      return node.quantifier === "all"
        ? { pred: andPredicates(args.map((a) => a.pred)), witness: allOf(args.map((a) => a.witness)), ...joinFields(args) }
        : { pred: orPredicates(args.map((a) => a.pred)), witness: anyOf(args.map((a) => a.witness)), ...joinFields(args) };
    }
  }
}

function conditionWarnings(node: CondNode, names: string[], env: DetectionEnv, path: Path): void {
  const walk = (n: CondNode): void => {
    if (n.t === "of") {
      if (n.pattern === "them" && n.quantifier === "all") env.warn("all-of-them", "'all of them' is discouraged: name the selections", path);
      if (n.pattern === "them" && resolvePattern("them", names).length === 1) env.warn("them-single-detection", `'${n.quantifier === "all" ? "all" : "1"} of them' with a single search identifier`, path);
    } else if (n.t === "and" || n.t === "or") n.args.forEach(walk);
    else if (n.t === "not") walk(n.arg);
  };
  walk(node);
}

/** Compile a detection block; `reserved` keys (a filter's `rules`) are not search identifiers. */
export function compileDetection(block: unknown, env: DetectionEnv, basePath: Path, reserved: readonly string[] = []): CompiledDetection {
  if (!isPlainObject(block)) throw new SigmaRuleError("detection must be a map of search identifiers and a condition", basePath);
  const fields = new Set<string>();
  const names = Object.keys(block).filter((k) => k !== "condition" && k !== "timeframe" && !reserved.includes(k));
  if ("timeframe" in block) env.warn("timeframe", "'timeframe' belongs to the Sigma 1 aggregations; use a correlation rule", [...basePath, "timeframe"]);
  if (names.length === 0) throw new SigmaRuleError("detection has no search identifiers", basePath);
  const ids = new Map<string, Compiled>();
  for (const name of names) ids.set(name, compileSearch(block[name], env, [...basePath, name], fields));

  const rawCondition = block.condition;
  const condPath = [...basePath, "condition"];
  const conditions: string[] = [];
  if (typeof rawCondition === "string") conditions.push(rawCondition);
  else if (Array.isArray(rawCondition) && rawCondition.length > 0 && rawCondition.every((c) => typeof c === "string")) conditions.push(...(rawCondition as string[]));
  else throw new SigmaRuleError("detection needs a condition: a string or a list of strings", condPath);

  const compiled = conditions.map((text, i) => {
    const path = Array.isArray(rawCondition) ? [...condPath, i] : condPath;
    const tree = parseCondition(text, path);
    conditionWarnings(tree, names, env, path);
    return { tree, c: compileCondition(tree, ids, names, path) };
  });

  const used = new Set<string>();
  const collect = (n: CondNode): void => {
    if (n.t === "id") used.add(n.name);
    else if (n.t === "of") for (const x of resolvePattern(n.pattern, names)) used.add(x);
    else if (n.t === "not") collect(n.arg);
    else n.args.forEach(collect);
  };
  compiled.forEach(({ tree }) => collect(tree));
  for (const name of names) {
    if (!used.has(name)) env.warn("dangling-detection", `search identifier '${name}' is not used by the condition`, [...basePath, name]);
  }

  const parts = compiled.map(({ c }) => c);
  return {
    match: orPredicates(parts.map((p) => p.pred)),
    witness: dedupeWitness(anyOf(parts.map((p) => p.witness))),
    negatedFields: [...new Set(parts.flatMap((p) => p.neg))],
    fields: [...fields],
    identifiers: names,
  };
}
