/**
 * String patterns compiled into plain tests, without regexes: whole-value equality (a Set when the
 * list is long), prefix, suffix, substring, and a small glob matcher for wildcards in the middle.
 * Case-insensitive patterns are lowercased here, once; the event side is lowercased once per event
 * by EventView.
 *
 * The glob matcher finds each `*`-separated segment at its leftmost position, which is enough for
 * `*` globs (no backtracking), so it runs in O(value × pattern) at worst.
 */
import { ANY, ONE, type SigmaStr } from "./sigma-string.js";

export type TextTest = (text: string) => boolean;

/** A run of characters between two `*`; `?` positions are marked in `one`. */
interface Segment {
  text: string;
  one: readonly boolean[] | null;
}

/** The `*`-separated segments of a pattern; the first is anchored at the start, the last at the end. */
function toSegments(s: SigmaStr, lower: boolean): Segment[] {
  const segments: Segment[] = [];
  let text = "";
  let one: boolean[] = [];
  let hasOne = false;
  const flush = () => {
    segments.push({ text, one: hasOne ? one : null });
    text = ""; one = []; hasOne = false;
  };
  for (const p of s.parts) {
    if (p === ANY) { flush(); continue; }
    if (p === ONE) { text += "\0"; one.push(true); hasOne = true; continue; }
    if (typeof p === "string") {
      const t = lower ? p.toLowerCase() : p;
      text += t;
      for (let i = 0; i < t.length; i++) one.push(false);
    }
  }
  flush();
  return segments;
}

function segmentAt(value: string, seg: Segment, at: number): boolean {
  if (at < 0 || at + seg.text.length > value.length) return false;
  if (!seg.one) return value.startsWith(seg.text, at);
  for (let i = 0; i < seg.text.length; i++) {
    if (!seg.one[i] && value.charCodeAt(at + i) !== seg.text.charCodeAt(i)) return false;
  }
  return true;
}

function findSegment(value: string, seg: Segment, from: number): number {
  if (!seg.one) return value.indexOf(seg.text, from);
  for (let at = from; at + seg.text.length <= value.length; at++) if (segmentAt(value, seg, at)) return at;
  return -1;
}

function globTest(segs: readonly Segment[]): TextTest {
  if (segs.length === 1) {
    const only = segs[0]!;
    return (v) => v.length === only.text.length && segmentAt(v, only, 0);
  }
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const middle = segs.slice(1, -1).filter((s) => s.text.length > 0);
  const minLength = segs.reduce((n, s) => n + s.text.length, 0);
  return (v) => {
    if (v.length < minLength) return false;
    if (!segmentAt(v, first, 0)) return false;
    let pos = first.text.length;
    for (const seg of middle) {
      const at = findSegment(v, seg, pos);
      if (at < 0) return false;
      pos = at + seg.text.length;
    }
    const endAt = v.length - last.text.length;
    return endAt >= pos && segmentAt(v, last, endAt);
  };
}

/** Above this many exact values a Set lookup beats comparing one by one. */
const SET_THRESHOLD = 4;

/**
 * One test for a list of patterns joined with OR. With `cased` false the patterns are lowercased
 * and the test must be given lowercased text.
 */
export function compilePatterns(patterns: readonly SigmaStr[], cased: boolean): TextTest {
  const exact: string[] = [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  const globs: TextTest[] = [];
  let matchesAnything = false;
  const norm = (t: string) => (cased ? t : t.toLowerCase());
  for (const s of patterns) {
    const parts = s.parts;
    const simple = parts.every((p) => p === ANY || typeof p === "string");
    if (simple && !parts.includes(ANY)) { exact.push(norm(parts.join(""))); continue; }
    if (simple) {
      const lits = parts.filter((p): p is string => typeof p === "string");
      const anyCount = parts.length - lits.length;
      if (lits.length === 0) { matchesAnything = true; continue; }
      if (lits.length === 1 && anyCount === 1 && parts[1] === ANY) { prefixes.push(norm(lits[0]!)); continue; }
      if (lits.length === 1 && anyCount === 1 && parts[0] === ANY) { suffixes.push(norm(lits[0]!)); continue; }
      if (lits.length === 1 && anyCount === 2 && parts[0] === ANY && parts[2] === ANY) { infixes.push(norm(lits[0]!)); continue; }
    }
    globs.push(globTest(toSegments(s, !cased)));
  }
  if (matchesAnything) return () => true;
  const tests: TextTest[] = [];
  if (exact.length > SET_THRESHOLD) {
    const set = new Set(exact);
    tests.push((v) => set.has(v));
  } else if (exact.length > 0) {
    tests.push((v) => { for (const e of exact) if (v === e) return true; return false; });
  }
  if (prefixes.length) tests.push((v) => { for (const p of prefixes) if (v.startsWith(p)) return true; return false; });
  if (suffixes.length) tests.push((v) => { for (const p of suffixes) if (v.endsWith(p)) return true; return false; });
  if (infixes.length) tests.push((v) => { for (const p of infixes) if (v.includes(p)) return true; return false; });
  tests.push(...globs);
  if (tests.length === 1) return tests[0]!;
  return (v) => { for (const t of tests) if (t(v)) return true; return false; };
}
