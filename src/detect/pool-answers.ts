import { BoundedMap } from "./detectors/host/aggregate.js";

/**
 * The addresses pool names resolved to in this data, each with the name (or, now and then, names) it answered
 * for. Two memories have this shape: the prefilter's (flows to these addresses are kept) and pool-connection's
 * (a flow to one of them is a connection to that pool).
 *
 * Bounded twice:
 *  - each name keeps its latest `perName` addresses, its oldest forgotten first, so one name with endless
 *    answers (fast flux, a look-alike behind a CDN, a DNS log an attacker shaped) cannot push every other
 *    pool's addresses out;
 *  - at most `max` addresses in all, the least recently learned forgotten first.
 * Names past `maxNames` are learned under the overall bound only.
 */
export class PoolAnswers<N> {
  private readonly byAddress: BoundedMap<string, N | N[]>;
  /** Per name, its addresses in the order learned: a ring of `perName` slots (a slot may name a forgotten one). */
  private readonly rings = new Map<N, { addresses: string[]; next: number }>();

  constructor(max: number, private readonly perName: number, private readonly maxNames = 4_096) {
    this.byAddress = new BoundedMap<string, N | N[]>(max);
  }

  get size(): number {
    return this.byAddress.size;
  }

  /** What `address` answered for, most recent name last; undefined if no pool name resolved to it. */
  namesOf(address: string): readonly N[] | undefined {
    const known = this.byAddress.peek(address);
    return known === undefined ? undefined : Array.isArray(known) ? known : [known];
  }

  has(address: string): boolean {
    return this.byAddress.has(address);
  }

  /** `name` resolved to `address`. An address learned again counts as recent for the overall bound. */
  learn(name: N, address: string): void {
    let created = false;
    const known = this.byAddress.getOrCreate(address, () => { created = true; return name; });
    if (created) { this.remember(name, address); return; }
    if (known === name || (Array.isArray(known) && known.includes(name))) return;
    // An address two names share (regional aliases of one pool): keep both, at most four.
    this.byAddress.set(address, [...(Array.isArray(known) ? known : [known]), name].slice(-4));
    this.remember(name, address);
  }

  /** A new address for `name` takes the slot of its oldest, which is forgotten for this name. */
  private remember(name: N, address: string): void {
    let ring = this.rings.get(name);
    if (!ring) {
      if (this.rings.size >= this.maxNames) return;
      ring = { addresses: [], next: 0 };
      this.rings.set(name, ring);
    }
    if (ring.addresses.length < this.perName) {
      ring.addresses.push(address);
      return;
    }
    const oldest = ring.addresses[ring.next]!;
    ring.addresses[ring.next] = address;
    ring.next = (ring.next + 1) % this.perName;
    // A slot may repeat an address the overall bound forgot and the name answered again: forget it only
    // when no newer slot holds it.
    if (!ring.addresses.includes(oldest)) this.forget(name, oldest);
  }

  private forget(name: N, address: string): void {
    const known = this.byAddress.peek(address);
    if (known === undefined) return;
    if (!Array.isArray(known)) {
      if (known === name) this.byAddress.delete(address);
      return;
    }
    const left = known.filter((n) => n !== name);
    if (left.length === known.length) return;
    if (left.length === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, left.length === 1 ? left[0]! : left);
  }
}
