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
  return { source: pattern, test: (text: string) => re.test(text) };
}

/** Whether a pattern is anchored at its start (for startswith/endswith on regexes). */
export function anchoredAtStart(pattern: string): boolean {
  return pattern.startsWith("^") || pattern.startsWith(".*") || /^\(\?[imsU]+\)\^/.test(pattern);
}

export function anchoredAtEnd(pattern: string): boolean {
  return (pattern.endsWith("$") && !pattern.endsWith("\\$")) || (pattern.endsWith(".*") && !pattern.endsWith("\\.*"));
}
