/**
 * Aho-Corasick automaton over lowercased literals: one pass over a field value reports every
 * literal it contains. Used by the candidate index so that a rule is evaluated only when a text it
 * needs is present.
 *
 * The automaton is a dense transition table (one Int32 per state and character class) when that
 * fits in MAX_DENSE_CELLS, else a sparse trie with failure links. Characters that no literal uses
 * share class 0, which keeps the table small.
 */

/** Dense tables above this many cells (4 bytes each) switch to the sparse form. */
const MAX_DENSE_CELLS = 4_000_000;

export class AhoCorasick {
  /** Per state: ids of the literals that end here (including via failure links), or null. */
  private readonly out: (number[] | null)[];
  private readonly classOfLow = new Uint16Array(256);
  private readonly classOfHigh = new Map<number, number>();
  private readonly classes: number;
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number>[] | null;
  private readonly fail: Int32Array | null;
  /** 1 for states where some literal ends: a typed array keeps the early-exit loop monomorphic. */
  private readonly accepting: Uint8Array;

  /**
   * @param foldAsciiCase also match upper-case ASCII letters of the text against the (lower-case)
   *   literals, so callers need not lower-case a whole record first.
   * @param maxDenseCells the largest dense table; bigger automata take the sparse form (tests lower it).
   */
  constructor(literals: readonly string[], foldAsciiCase = false, maxDenseCells = MAX_DENSE_CELLS) {
    // Character classes.
    let nextClass = 1;
    for (const lit of literals) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 256) { if (this.classOfLow[c] === 0) this.classOfLow[c] = nextClass++; }
        else if (!this.classOfHigh.has(c)) this.classOfHigh.set(c, nextClass++);
      }
    }
    this.classes = nextClass;
    if (foldAsciiCase) for (let c = 0x41; c <= 0x5a; c++) this.classOfLow[c] = this.classOfLow[c | 0x20]!;

    // Trie: one edge map keyed by state * classes + class, and each state's children as [class, state, ...]
    // (a Map per state, and a Map lookup per cell of the dense table, made the prefilter's automaton over
    // intel's 250 keywords cost 30 ms of a scan's start).
    const k = this.classes;
    const edges = new Map<number, number>();
    const kids: number[][] = [[]];
    const out: (number[] | null)[] = [null];
    literals.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const cls = this.classOf(lit.charCodeAt(i));
        let next = edges.get(s * k + cls);
        if (next === undefined) {
          next = out.length;
          out.push(null);
          kids.push([]);
          edges.set(s * k + cls, next);
          kids[s]!.push(cls, next);
        }
        s = next;
      }
      (out[s] ??= []).push(id);
    });
    const n = out.length;
    const fail = new Int32Array(n);
    this.accepting = new Uint8Array(n);

    if (n * k <= maxDenseCells) {
      // Dense, breadth first: a state's row is its failure state's row (already complete: a failure state is
      // shallower) with its own children written over it; the root's row is its children, else the root.
      const table = new Int32Array(n * k);
      const order: number[] = [0];
      for (let qi = 0; qi < order.length; qi++) {
        const s = order[qi]!;
        const row = s * k;
        const failRow = fail[s]! * k;
        if (s !== 0) table.copyWithin(row, failRow, failRow + k);
        const ks = kids[s]!;
        for (let j = 0; j < ks.length; j += 2) {
          const cls = ks[j]!;
          const t = ks[j + 1]!;
          fail[t] = s === 0 ? 0 : table[failRow + cls]!;
          table[row + cls] = t;
          const inherited = out[fail[t]!];
          if (inherited) out[t] = out[t] ? [...out[t]!, ...inherited] : inherited;
          order.push(t);
        }
      }
      this.dense = table;
      this.sparse = null;
      this.fail = null;
    } else {
      // Sparse: a trie with failure links, breadth first; outputs of the failure state are merged in.
      const children = kids.map((ks) => {
        const m = new Map<number, number>();
        for (let j = 0; j < ks.length; j += 2) m.set(ks[j]!, ks[j + 1]!);
        return m;
      });
      const order: number[] = [];
      for (const child of children[0]!.values()) { fail[child] = 0; order.push(child); }
      for (let qi = 0; qi < order.length; qi++) {
        const s = order[qi]!;
        for (const [cls, t] of children[s]!) {
          let f = fail[s]!;
          while (f !== 0 && !children[f]!.has(cls)) f = fail[f]!;
          const g = children[f]!.get(cls);
          fail[t] = g !== undefined && g !== t ? g : 0;
          const inherited = out[fail[t]!];
          if (inherited) out[t] = out[t] ? [...out[t]!, ...inherited] : inherited;
          order.push(t);
        }
      }
      this.dense = null;
      this.sparse = children;
      this.fail = fail;
    }
    this.out = out;
    for (let i = 0; i < n; i++) if (out[i]) this.accepting[i] = 1;
  }

  private classOf(c: number): number {
    return c < 256 ? this.classOfLow[c]! : this.classOfHigh.get(c) ?? 0;
  }

  /** Whether `text` contains any literal: stops at the first one found. */
  containsAny(text: string): boolean {
    const low = this.classOfLow;
    const high = this.classOfHigh;
    const accepting = this.accepting;
    if (this.dense) {
      const table = this.dense;
      const k = this.classes;
      let s = 0;
      const n = text.length;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        s = table[s * k + (c < 256 ? low[c]! : high.get(c) ?? 0)]!;
        if (accepting[s] === 1) return true;
      }
      return false;
    }
    const hits: number[] = [];
    this.scan(text, hits);
    return hits.length > 0;
  }

  /**
   * containsAny for a text given as bytes buf[start, end), each byte one character (ASCII or latin1),
   * without making a string of it.
   */
  containsAnyBytes(buf: Uint8Array, start: number, end: number): boolean {
    const low = this.classOfLow;
    const accepting = this.accepting;
    if (this.dense) {
      const table = this.dense;
      const k = this.classes;
      let s = 0;
      for (let i = start; i < end; i++) {
        s = table[s * k + low[buf[i]!]!]!;
        if (accepting[s] === 1) return true;
      }
      return false;
    }
    const children = this.sparse!;
    const fail = this.fail!;
    let s = 0;
    for (let i = start; i < end; i++) {
      const cls = low[buf[i]!]!;
      for (;;) {
        const t = cls === 0 ? undefined : children[s]!.get(cls);
        if (t !== undefined) { s = t; break; }
        if (s === 0) break;
        s = fail[s]!;
      }
      if (accepting[s] === 1) return true;
    }
    return false;
  }

  /** Push the id of every literal found in `text` onto `hits` (repeats possible). */
  scan(text: string, hits: number[]): void {
    const low = this.classOfLow;
    const high = this.classOfHigh;
    const out = this.out;
    let s = 0;
    if (this.dense) {
      const table = this.dense;
      const k = this.classes;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const cls = c < 256 ? low[c]! : high.get(c) ?? 0;
        s = table[s * k + cls]!;
        const o = out[s];
        if (o) for (let j = 0; j < o.length; j++) hits.push(o[j]!);
      }
      return;
    }
    const children = this.sparse!;
    const fail = this.fail!;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const cls = c < 256 ? low[c]! : high.get(c) ?? 0;
      for (;;) {
        const t = cls === 0 ? undefined : children[s]!.get(cls);
        if (t !== undefined) { s = t; break; }
        if (s === 0) break;
        s = fail[s]!;
      }
      const o = out[s];
      if (o) for (let j = 0; j < o.length; j++) hits.push(o[j]!);
    }
  }
}
