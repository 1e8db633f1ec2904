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
import { RE2JS } from "re2js";

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

/** Compile a rule regex; throws an Error whose message says why RE2 refuses it. */
export function compileRegex(pattern: string, flags: RegexFlags): CompiledRegex {
  if (pattern.length > MAX_REGEX_PATTERN_CHARS) {
    throw new Error(`regular expression of ${pattern.length} characters is longer than the ${MAX_REGEX_PATTERN_CHARS}-character limit (split it, or use contains/startswith lists)`);
  }
  let bits = 0;
  if (flags.i) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) bits |= RE2JS.MULTILINE;
  if (flags.s) bits |= RE2JS.DOTALL;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, bits);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`regular expression '${pattern}' is not supported by the linear-time engine (RE2): ${reason}`);
  }
  const size = re.programSize();
  if (size > MAX_REGEX_PROGRAM_SIZE) {
    throw new Error(`regular expression '${pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern}' compiles to ${size} instructions, over the ${MAX_REGEX_PROGRAM_SIZE} limit (large repeat counts and long alternations cost time on every event)`);
  }
  const endAnchored = /\$|\\z/.test(pattern);
  return {
    source: pattern,
    test: (text: string) => {
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
