/**
 * The required-literal index of one route group: given an event, which of the group's rules can
 * possibly match. Each rule's witness (witness.ts) lists literals of which one must be present; the
 * index looks every exact literal up in a hash map and finds every substring literal with one
 * Aho-Corasick pass per field, so most rules are never evaluated. Rules without a witness are
 * always candidates.
 */
import { AhoCorasick } from "./aho-corasick.js";
import type { EventView, FieldRef } from "./event-view.js";
import type { Witness } from "./types.js";

interface FieldIndex {
  ref: FieldRef;
  exact: Map<string, number[]> | null;
  automaton: AhoCorasick | null;
  /** Literal id (in the automaton) → rule positions. */
  literalRules: number[][];
}

export class CandidateIndex {
  private readonly fields: FieldIndex[];
  private readonly always: number[];
  private readonly stamp: Uint32Array;
  private tick = 0;
  private readonly hits: number[] = [];
  readonly size: number;

  /** `witnesses[i]` is the witness of the group's i-th rule. */
  constructor(witnesses: readonly Witness[]) {
    this.size = witnesses.length;
    this.stamp = new Uint32Array(witnesses.length);
    this.always = [];
    const byField = new Map<string, { ref: FieldRef; exact: Map<string, number[]>; subs: Map<string, number[]> }>();
    witnesses.forEach((w, rule) => {
      if (w === null || w.length === 0) { this.always.push(rule); return; }
      for (const lit of w) {
        let f = byField.get(lit.ref.id);
        if (!f) { f = { ref: lit.ref, exact: new Map(), subs: new Map() }; byField.set(lit.ref.id, f); }
        const m = lit.exact ? f.exact : f.subs;
        const list = m.get(lit.text);
        if (list) { if (list[list.length - 1] !== rule) list.push(rule); } else m.set(lit.text, [rule]);
      }
    });
    this.fields = [...byField.values()].map(({ ref, exact, subs }) => {
      const literals = [...subs.keys()];
      // An empty substring is in every value: those rules are candidates whenever the field exists.
      return {
        ref,
        exact: exact.size > 0 ? exact : null,
        automaton: literals.length > 0 ? new AhoCorasick(literals) : null,
        literalRules: literals.map((l) => subs.get(l)!),
      };
    });
  }

  /** Fill `out` with the positions of the rules to evaluate for this event, in ascending order. */
  candidates(view: EventView, out: number[]): void {
    out.length = 0;
    let tick = ++this.tick;
    if (tick === 0xffffffff) { this.stamp.fill(0); this.tick = tick = 1; }
    const stamp = this.stamp;
    for (const r of this.always) { stamp[r] = tick; out.push(r); }
    const hits = this.hits;
    for (const f of this.fields) {
      if (view.absent(f.ref)) continue;
      const values = view.lower(f.ref);
      for (const v of values) {
        if (f.exact) {
          const rules = f.exact.get(v);
          if (rules) for (const r of rules) if (stamp[r] !== tick) { stamp[r] = tick; out.push(r); }
        }
        if (f.automaton) {
          hits.length = 0;
          f.automaton.scan(v, hits);
          for (let i = 0; i < hits.length; i++) {
            for (const r of f.literalRules[hits[i]!]!) if (stamp[r] !== tick) { stamp[r] = tick; out.push(r); }
          }
        }
      }
    }
    if (out.length > 1) out.sort((a, b) => a - b);
  }
}
