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
   */
  constructor(literals: readonly string[], foldAsciiCase = false) {
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

    // Trie.
    const children: Map<number, number>[] = [new Map()];
    const out: (number[] | null)[] = [null];
    literals.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const cls = this.classOf(lit.charCodeAt(i));
        let next = children[s]!.get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          out.push(null);
          children[s]!.set(cls, next);
        }
        s = next;
      }
      (out[s] ??= []).push(id);
    });

    // Failure links, breadth first; outputs of the failure state are merged in.
    const n = children.length;
    const fail = new Int32Array(n);
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
    this.out = out;
    this.accepting = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (out[i]) this.accepting[i] = 1;

    if (n * this.classes <= MAX_DENSE_CELLS) {
      const table = new Int32Array(n * this.classes);
      // Root row: children or back to the root.
      for (const [cls, t] of children[0]!) table[cls] = t;
      for (const s of order) {
        const row = s * this.classes;
        const failRow = fail[s]! * this.classes;
        for (let cls = 0; cls < this.classes; cls++) {
          const t = children[s]!.get(cls);
          table[row + cls] = t !== undefined ? t : table[failRow + cls]!;
        }
      }
      this.dense = table;
      this.sparse = null;
      this.fail = null;
    } else {
      this.dense = null;
      this.sparse = children;
      this.fail = fail;
    }
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
