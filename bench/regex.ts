/**
 * The cost of the worst user regex minerhunt allows (src/detect/sigma/regex.ts caps), on one 64 kB field.
 *
 *   node --import tsx bench/regex.ts
 *
 * Each family of expensive patterns is grown to the largest size the caps still accept (pattern length and
 * compiled program size), then matched against a 64 kB command line of random words that it never matches
 * (a miss reads the whole field; a hit could stop early). CPU time is process.cpuUsage() around the match.
 * "cold" compiles the pattern afresh before each of 3 runs and keeps the worst (re2js builds its automaton
 * lazily and caches it per pattern, so the first field a rule sees costs most; an attacker who varies the
 * text keeps it near cold); "warm" is the third match of one compiled pattern. The per-scan bound for one
 * rule is strikes x the worst event (the rule is disabled after).
 */
import { compileRegex, MAX_REGEX_INPUT_CHARS, MAX_REGEX_PATTERN_CHARS, MAX_REGEX_PROGRAM_SIZE } from "../src/detect/sigma/regex.js";
import { DEFAULT_REGEX_BUDGET_MS, DEFAULT_REGEX_STRIKES } from "../src/detect/sigma/regex-budget.js";

let seed = 12_345;
function rnd(): number {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
function word(): string {
  return Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join("");
}

let field = "";
while (field.length < MAX_REGEX_INPUT_CHARS) field += `${word()} `;
field = field.slice(0, MAX_REGEX_INPUT_CHARS);

/** Families of patterns, each built from a size n; "Q" never occurs in the (lower-case) field. */
const families: { name: string; make: (n: number) => string; flags?: { i: boolean; m: boolean; s: boolean } }[] = [
  { name: "alternation of words", make: (n) => Array.from({ length: n }, () => `${word()}Q${word()}`).join("|") },
  { name: "alternation of words, case-insensitive", make: (n) => Array.from({ length: n }, () => `${word()}Q${word()}`).join("|"), flags: { i: true, m: false, s: false } },
  { name: "alternation with .* in each branch", make: (n) => Array.from({ length: n }, () => `${word()}.*${word()}Q`).join("|") },
  { name: "counted repeat of a star", make: (n) => `(?:[a-z ]*x){${n}}Q` },
  { name: "optional characters then literals", make: (n) => `${"[a-z]?".repeat(n)}${"[a-z]".repeat(n)}Q` },
  { name: "bounded any-run then literal", make: (n) => `(?:.{0,${n}}[aeiou]){3}Q` },
];

function accepted(pattern: string, flags = { i: false, m: false, s: false }): boolean {
  try { compileRegex(pattern, flags); return true; } catch { return false; }
}

/** The largest n whose pattern the caps accept (patterns with random words are rebuilt per try; seeded). */
function largest(make: (n: number) => string, flags?: { i: boolean; m: boolean; s: boolean }): { n: number; pattern: string } {
  let lo = 1;
  let hi = 1;
  while (accepted(make(hi * 2), flags) && hi < 1 << 16) hi *= 2;
  hi *= 2;
  let best = { n: 1, pattern: make(1) };
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = make(mid);
    if (accepted(p, flags)) { best = { n: mid, pattern: p }; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

console.log(`caps: pattern ≤ ${MAX_REGEX_PATTERN_CHARS} chars, program ≤ ${MAX_REGEX_PROGRAM_SIZE} instructions; field ${field.length} chars`);
console.log(`budget: ${DEFAULT_REGEX_BUDGET_MS} ms per rule per event, disabled after ${DEFAULT_REGEX_STRIKES} overruns\n`);
console.log("family | n | pattern chars | cold CPU ms (worst of 3) | warm CPU ms | matched");
console.log("---|---|---|---|---|---");
let worst = 0;
for (const f of families) {
  const { n, pattern } = largest(f.make, f.flags);
  const flags = f.flags ?? { i: false, m: false, s: false };
  let hit = false;
  const cold = Math.max(...[0, 1, 2].map(() => { const re = compileRegex(pattern, flags); return cpuMs(() => { hit = re.test(field); }); }));
  const re = compileRegex(pattern, flags);
  re.test(field);
  re.test(field);
  const warm = cpuMs(() => { re.test(field); });
  worst = Math.max(worst, cold);
  console.log(`${f.name} | ${n} | ${pattern.length} | ${cold.toFixed(1)} | ${warm.toFixed(1)} | ${hit}`);
}
console.log(`\nworst allowed regex on one 64 kB field: ${worst.toFixed(0)} ms CPU; one rule's worst per scan ≈ ${DEFAULT_REGEX_STRIKES} × that + the events under budget`);
