/**
 * Regular expressions from rules run on re2js (RE2 semantics: linear time, whatever the pattern and
 * the input), never on V8's backtracking RegExp: rules and log text are both untrusted.
 *
 * RE2 understands the inline flags SigmaHQ uses (`(?i)` at the start, written before `|re|i` existed),
 * lazy quantifiers, `\d \w \s \b` and non-capturing groups. It has no lookaround or backreferences;
 * a rule that needs them is refused with RE2's reason (they are outside the spec's regex flavour).
 *
 * Matching is a search (the pattern may match anywhere in the value), as in Splunk, SQLite and the
 * Sigma tools that evaluate events; rules anchor with ^ and $ when they mean the whole value.
 */
import { createRequire } from "node:module";
import type { RE2JS } from "re2js";
import { fromSnapshot } from "../../startup/snapshot.js";

type Re2Module = typeof import("re2js");

let re2Module: Re2Module | undefined;

/**
 * re2js, loaded on first need: importing it and compiling a first pattern cost about 30 ms of CPU, and a
 * scan whose data has no field a regex rule reads needs neither (the build snapshot already says which
 * shipped patterns compile). Node resolves `re2js` to its CommonJS build here; nothing else in minerhunt
 * loads it.
 */
function re2(): Re2Module {
  re2Module ??= createRequire(import.meta.url)("re2js") as Re2Module;
  return re2Module;
}

/**
 * Caps on a rule's regex, so one rule cannot cost minutes per event. Linear time is not cheap time: RE2's
 * NFA costs (program size x text length), and a long alternation of words measured 14 s on one 64 kB field.
 * SigmaHQ's longest |re pattern is 217 characters and its largest program 1,003 instructions (`\S{1000}`-like
 * repeats); the caps leave room above both. bench/regex.ts measures the worst pattern they allow.
 */
export const MAX_REGEX_PATTERN_CHARS = 1_000;
export const MAX_REGEX_PROGRAM_SIZE = 2_000;
/**
 * A regex sees the first 64 KiB (UTF-16 units) of a longer field and, when it can anchor at the end (`$`,
 * `\z`), the last 64 KiB too; the middle is not searched. Each window is marked cut with U+FFFF on its cut
 * side, so `$` does not match where the head was cut and `^` not where the tail begins.
 */
export const MAX_REGEX_INPUT_CHARS = 64 * 1024;
const CUT = "\uffff";

export interface RegexFlags {
  i: boolean;
  m: boolean;
  s: boolean;
}

export interface CompiledRegex {
  source: string;
  test(text: string): boolean;
}

/** Patterns compiled so far in this process (tests watch it: a pattern the snapshot vouches for compiles when first used). */
let compiledCount = 0;
export function regexesCompiled(): number {
  return compiledCount;
}

function flagBits(flags: RegexFlags): number {
  const { RE2JS: R } = re2();
  let bits = 0;
  if (flags.i) bits |= R.CASE_INSENSITIVE;
  if (flags.m) bits |= R.MULTILINE;
  if (flags.s) bits |= R.DOTALL;
  return bits;
}

/** RE2's program for the pattern, or the reason it is refused (too long, not RE2 syntax, too big a program). */
function build(pattern: string, flags: RegexFlags): RE2JS | string {
  if (pattern.length > MAX_REGEX_PATTERN_CHARS) {
    return `regular expression of ${pattern.length} characters is longer than the ${MAX_REGEX_PATTERN_CHARS}-character limit (split it, or use contains/startswith lists)`;
  }
  let re: RE2JS;
  try {
    re = re2().RE2JS.compile(pattern, flagBits(flags));
    compiledCount++;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return `regular expression '${pattern}' is not supported by the linear-time engine (RE2): ${reason}`;
  }
  const size = re.programSize();
  if (size > MAX_REGEX_PROGRAM_SIZE) {
    return `regular expression '${pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern}' compiles to ${size} instructions, over the ${MAX_REGEX_PROGRAM_SIZE} limit (large repeat counts and long alternations cost time on every event)`;
  }
  return re;
}

/**
 * Compile a rule regex; throws an Error whose message says why RE2 refuses it. Whether RE2 takes the pattern
 * is decided now, from the build snapshot for the shipped rules' patterns (recorded when the build compiled
 * them) or by compiling it; a pattern the snapshot vouches for is compiled at its first test.
 */
export function compileRegex(pattern: string, flags: RegexFlags): CompiledRegex {
  let compiled: RE2JS | undefined;
  const verdict = fromSnapshot("sigma.regex", JSON.stringify([pattern, flags.i, flags.m, flags.s]), () => {
    const built = build(pattern, flags);
    if (typeof built === "string") return { refused: built };
    compiled = built;
    return { refused: null };
  });
  if (verdict.refused !== null) throw new Error(verdict.refused);
  const program = (): RE2JS => {
    if (compiled) return compiled;
    const built = build(pattern, flags);
    if (typeof built === "string") throw new Error(built); // the snapshot said otherwise: only a changed re2js could do this
    return (compiled = built);
  };
  const endAnchored = /\$|\\z/.test(pattern);
  return {
    source: pattern,
    test: (text: string) => {
      const re = program();
      if (text.length <= MAX_REGEX_INPUT_CHARS) return re.test(text);
      if (re.test(text.slice(0, MAX_REGEX_INPUT_CHARS) + CUT)) return true;
      return endAnchored && re.test(CUT + text.slice(text.length - MAX_REGEX_INPUT_CHARS));
    },
  };
}

/** Whether a pattern is anchored at its start (for startswith/endswith on regexes). */
export function anchoredAtStart(pattern: string): boolean {
  return pattern.startsWith("^") || pattern.startsWith(".*") || /^\(\?[imsU]+\)\^/.test(pattern);
}

export function anchoredAtEnd(pattern: string): boolean {
  return (pattern.endsWith("$") && !pattern.endsWith("\\$")) || (pattern.endsWith(".*") && !pattern.endsWith("\\.*"));
}

/** Whether a detection block (selections as written in YAML) uses the `re` modifier anywhere. */
export function usesRegex(block: unknown, depth = 0): boolean {
  if (depth > 32 || block === null || typeof block !== "object") return false;
  if (Array.isArray(block)) return block.some((b) => usesRegex(b, depth + 1));
  for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
    if (key.split("|").slice(1).includes("re")) return true;
    if (usesRegex(value, depth + 1)) return true;
  }
  return false;
}
