/**
 * Required literals of a regular expression, for the prefilter: a small set of strings of which at
 * least one occurs in every text the regex matches (`-(W|R)\s?...` needs "-W" or "-R"). The regex
 * is read by a tiny conservative parser; anything it does not understand (classes, `.`, escapes
 * like \d, lookaround) simply ends a literal run, so the answer can be weak but never wrong.
 * Returns null when no useful set exists.
 */

/** Limits that keep the answer small: alternatives per set and length of each literal. */
const MAX_SET = 16;
const MAX_LENGTH = 32;

type LitSet = string[] | null;

interface Item {
  /** Exactly the strings this atom can produce (a literal, or a group of literal alternatives), or null. */
  finite: LitSet;
  /** The best required set found inside the atom (for groups that are not finite). */
  inner: LitSet;
  min: number;
  max: number;
}

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  peek(): string | undefined { return this.src[this.pos]; }

  /** alternation := seq ('|' seq)* ; returns the finite set (if every branch is finite) and the best required set. */
  parseAlt(): { finite: LitSet; best: LitSet } {
    const branches = [this.parseSeq()];
    while (this.peek() === "|") { this.pos++; branches.push(this.parseSeq()); }
    let finite: LitSet = [];
    let best: LitSet = [];
    for (const b of branches) {
      finite = finite && b.finite ? union(finite, b.finite) : null;
      best = best && b.best ? union(best, b.best) : null;
    }
    return { finite, best };
  }

  parseSeq(): { finite: LitSet; best: LitSet } {
    const items: Item[] = [];
    while (this.pos < this.src.length && this.peek() !== "|" && this.peek() !== ")") items.push(this.parseItem());
    // Runs of required, exactly-known items form literals by cross product.
    let best: LitSet = null;
    let run: LitSet = [""];
    let wholeFinite = true;
    const consider = (set: LitSet) => { if (set && set.some((s) => s.length > 0)) best = better(best, set); };
    for (const it of items) {
      if (it.min >= 1 && it.finite) {
        run = run ? cross(run, it.finite) : null;
        if (it.max !== 1) { consider(run); run = [""]; wholeFinite = false; }
      } else {
        consider(run);
        consider(it.min >= 1 ? it.inner : null);
        run = [""];
        wholeFinite = false;
      }
    }
    consider(run);
    return { finite: wholeFinite ? run : null, best };
  }

  parseItem(): Item {
    const atom = this.parseAtom();
    let min = 1;
    let max = 1;
    const c = this.peek();
    if (c === "*") { min = 0; max = Infinity; this.pos++; }
    else if (c === "+") { min = 1; max = Infinity; this.pos++; }
    else if (c === "?") { min = 0; max = 1; this.pos++; }
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
      if (m) {
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        this.pos += m[0].length;
      }
    }
    if (min !== 1 || max !== 1) { const lazy = this.peek(); if (lazy === "?" || lazy === "+") this.pos++; }
    return { ...atom, min, max };
  }

  parseAtom(): { finite: LitSet; inner: LitSet } {
    const c = this.src[this.pos++]!;
    if (c === "(") {
      let skipAll = false;
      if (this.peek() === "?") {
        // (?:...) (?i) (?i:...) (?P<n>...) (?<n>...); lookaround is unknown territory.
        const rest = this.src.slice(this.pos);
        const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest);
        const flags = /^\?[imsU-]*(:|\))/.exec(rest);
        if (named) this.pos += named[0].length;
        else if (flags) {
          this.pos += flags[0].length;
          if (flags[1] === ")") return { finite: [""], inner: null }; // a bare flag group matches the empty string
        } else skipAll = true;
      }
      const inside = this.parseAlt();
      if (this.peek() === ")") this.pos++;
      return skipAll ? { finite: null, inner: null } : { finite: inside.finite, inner: inside.best };
    }
    if (c === "[") { this.skipClass(); return { finite: null, inner: null }; }
    if (c === "\\") return this.parseEscape();
    if (c === "." || c === "^" || c === "$") return { finite: null, inner: null };
    return { finite: [c], inner: null };
  }

  skipClass(): void {
    if (this.peek() === "^") this.pos++;
    if (this.peek() === "]") this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++];
      if (c === "\\") { this.pos++; continue; }
      if (c === "[" && this.peek() === ":") { const end = this.src.indexOf(":]", this.pos); if (end >= 0) { this.pos = end + 2; continue; } }
      if (c === "]") return;
    }
  }

  parseEscape(): { finite: LitSet; inner: LitSet } {
    const c = this.src[this.pos++];
    if (c === undefined) return { finite: null, inner: null };
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v" };
    if (simple[c]) return { finite: [simple[c]!], inner: null };
    if (c === "x") {
      const m = /^([0-9a-fA-F]{2})/.exec(this.src.slice(this.pos, this.pos + 2));
      if (m) { this.pos += 2; return { finite: [String.fromCharCode(parseInt(m[1]!, 16))], inner: null }; }
      return { finite: null, inner: null };
    }
    if (/[A-Za-z0-9]/.test(c)) {
      if ((c === "p" || c === "P") && this.peek() === "{") { const end = this.src.indexOf("}", this.pos); if (end >= 0) this.pos = end + 1; }
      return { finite: null, inner: null };
    }
    return { finite: [c], inner: null };
  }
}

function union(a: string[], b: string[]): LitSet {
  const out = [...new Set([...a, ...b])];
  return out.length > MAX_SET ? null : out;
}

function cross(a: string[], b: string[]): LitSet {
  if (a.length * b.length > MAX_SET) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push((x + y).slice(0, MAX_LENGTH));
  return [...new Set(out)];
}

function score(set: string[]): number {
  const shortest = Math.min(...set.map((s) => s.length));
  return shortest * 4 - set.length;
}

function better(a: LitSet, b: string[]): string[] {
  if (b.some((s) => s.length === 0)) return a ?? b;
  if (!a) return b;
  return score(b) > score(a) ? b : a;
}

/** Strings of which one must occur (case-insensitively) in any text the regex matches; null if none known. */
export function requiredLiterals(pattern: string): string[] | null {
  try {
    const p = new Parser(pattern);
    const { best } = p.parseAlt();
    if (p.pos < pattern.length) return null; // stray ')': do not guess
    if (!best || best.length === 0 || best.some((s) => s.length === 0)) return null;
    return best.map((s) => s.toLowerCase());
  } catch {
    return null;
  }
}
