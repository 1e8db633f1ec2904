/**
 * The Sigma condition language, parsed by hand into a tree:
 *
 *   expr    := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | primary
 *   primary := "(" expr ")" | ("1" | "any" | "all") "of" PATTERN | IDENTIFIER
 *
 * so `or` binds loosest, then `and`, then `not`, then `x of`, then parentheses (pySigma's precedence).
 * Operators are lowercase only: pySigma rejects `OR`, and so do we, with a message saying so.
 * The v1 pipe aggregations (`| count() by x > 5`) are gone since Sigma 2.0: an error pointing at
 * correlation rules.
 */
import { SigmaRuleError } from "./types.js";

export type CondNode =
  | { t: "id"; name: string }
  | { t: "and"; args: CondNode[] }
  | { t: "or"; args: CondNode[] }
  | { t: "not"; arg: CondNode }
  | { t: "of"; quantifier: "any" | "all"; pattern: string };

const OPERATOR_LIKE = new Set(["AND", "OR", "NOT", "And", "Or", "Not", "OF", "Of", "ANY", "ALL", "THEM"]);
const IDENT = /^[A-Za-z0-9_-]+$/;
const PATTERN = /^[A-Za-z0-9_*-]+$/;
/** Conditions are short (557 characters at most in SigmaHQ); this bounds the work on odd input. */
const MAX_CONDITION_LENGTH = 16 * 1024;

function tokenize(text: string, path: readonly (string | number)[]): string[] {
  if (text.length > MAX_CONDITION_LENGTH) throw new SigmaRuleError(`condition is longer than ${MAX_CONDITION_LENGTH} characters`, path);
  if (text.includes("|")) {
    throw new SigmaRuleError("the pipe aggregation syntax ('| count() by ...') is deprecated since Sigma 2.0; write a correlation rule instead", path);
  }
  const tokens: string[] = [];
  let word = "";
  for (const c of text) {
    if (c === "(" || c === ")" || c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (word) { tokens.push(word); word = ""; }
      if (c === "(" || c === ")") tokens.push(c);
    } else {
      word += c;
    }
  }
  if (word) tokens.push(word);
  return tokens;
}

export function parseCondition(text: string, path: readonly (string | number)[] = []): CondNode {
  const tokens = tokenize(text, path);
  let pos = 0;
  const fail = (msg: string): never => {
    throw new SigmaRuleError(`condition '${text.trim()}': ${msg}`, path);
  };
  const peek = () => tokens[pos];

  function parseOr(): CondNode {
    const args = [parseAnd()];
    while (peek() === "or") { pos++; args.push(parseAnd()); }
    return args.length === 1 ? args[0]! : { t: "or", args };
  }
  function parseAnd(): CondNode {
    const args = [parseNot()];
    while (peek() === "and") { pos++; args.push(parseNot()); }
    return args.length === 1 ? args[0]! : { t: "and", args };
  }
  function parseNot(): CondNode {
    if (peek() === "not") { pos++; return { t: "not", arg: parseNot() }; }
    return parsePrimary();
  }
  function parsePrimary(): CondNode {
    const tok = peek();
    if (tok === undefined) return fail("ends where a search identifier was expected");
    if (tok === "(") {
      pos++;
      const inner = parseOr();
      if (peek() !== ")") fail("missing ')'");
      pos++;
      return inner;
    }
    if (tok === ")" || tok === "and" || tok === "or") return fail(`unexpected '${tok}'`);
    if (tokens[pos + 1] === "of") {
      if (tok !== "1" && tok !== "any" && tok !== "all") fail(`invalid quantifier '${tok}' (use 1, any or all)`);
      const pattern = tokens[pos + 2];
      if (pattern === undefined || pattern === "(" || pattern === ")") return fail(`'${tok} of' needs a pattern or 'them'`);
      if (!PATTERN.test(pattern)) fail(`'${pattern}' is not a valid identifier pattern`);
      pos += 3;
      return { t: "of", quantifier: tok === "all" ? "all" : "any", pattern };
    }
    if (OPERATOR_LIKE.has(tok)) fail(`'${tok}' is not an operator: Sigma operators are lowercase (and, or, not, 1 of, all of)`);
    if (tok === "of" || tok === "them") fail(`unexpected '${tok}'`);
    if (!IDENT.test(tok)) fail(`'${tok}' is not a valid search identifier`);
    pos++;
    return { t: "id", name: tok };
  }

  if (tokens.length === 0) fail("is empty");
  const shouted = tokens.find((t) => OPERATOR_LIKE.has(t));
  if (shouted) fail(`'${shouted}' is not an operator: Sigma operators are lowercase (and, or, not, 1 of, all of)`);
  const tree = parseOr();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return tree;
}

/**
 * The identifiers a `1 of`/`all of` pattern stands for. `*` matches any run of characters and the
 * pattern must match the whole name (so `selection` does not take `selection_extra`). Names starting
 * with `_` are left out unless the pattern itself starts with `_`.
 */
export function resolvePattern(pattern: string, names: readonly string[]): string[] {
  const includeUnderscore = pattern.startsWith("_");
  const pieces = pattern === "them" ? ["", ""] : pattern.split("*");
  return names.filter((name) => {
    if (!includeUnderscore && name.startsWith("_")) return false;
    return wildcardFullMatch(pieces, name);
  });
}

function wildcardFullMatch(pieces: readonly string[], name: string): boolean {
  if (pieces.length === 1) return name === pieces[0];
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length) return false;
  let pos = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const at = name.indexOf(pieces[i]!, pos);
    if (at < 0) return false;
    pos = at + pieces[i]!.length;
  }
  return name.length - last.length >= pos && name.endsWith(last);
}

/** Identifiers the condition mentions directly or through patterns. */
export function referencedIdentifiers(node: CondNode, names: readonly string[], out = new Set<string>()): Set<string> {
  switch (node.t) {
    case "id": out.add(node.name); break;
    case "and": case "or": for (const a of node.args) referencedIdentifiers(a, names, out); break;
    case "not": referencedIdentifiers(node.arg, names, out); break;
    case "of": for (const n of resolvePattern(node.pattern, names)) out.add(n); break;
  }
  return out;
}
