/**
 * Domain lookup by labels from the right. A listed "nanopool.org" matches "xmr-eu1.nanopool.org".
 * Cost is one Map lookup per label of the name looked up, whatever the size of the lists.
 * The longest listed suffix wins; between a list and the allowlist at the same length, the allowlist wins,
 * so "pool.ntp.org" stays allowed even if an imported list carries it.
 */
export interface DomainEntry<T> {
  allow: boolean;
  value?: T;
}

export class DomainTable<T> {
  private readonly entries = new Map<string, DomainEntry<T>>();
  /**
   * Hash bitmaps of every entry's last two labels (or its one label). A name whose last two labels and
   * whose last label both miss cannot have a listed suffix: most lookups end there after one pass over
   * a dozen characters, without allocating, normalising or hashing strings into a Map.
   */
  private readonly twoLabelBits = new Uint32Array(TAIL_BITS / 32);
  private readonly oneLabelBits = new Uint32Array(TAIL_BITS / 32);

  add(domain: string, value: T): void {
    const key = normaliseDomain(domain);
    if (!key) return;
    const existing = this.entries.get(key);
    if (existing?.allow) return; // allowlist wins ties
    if (existing?.value !== undefined) return; // first list to name a domain keeps it (curated data loads first)
    this.entries.set(key, { allow: false, value });
    this.markTail(key);
  }

  allow(domain: string): void {
    const key = normaliseDomain(domain);
    if (key) {
      this.entries.set(key, { allow: true });
      this.markTail(key);
    }
  }

  /** The entry of the longest listed suffix of `name`, with that suffix. */
  lookup(name: string): { suffix: string; entry: DomainEntry<T> } | undefined {
    if (!this.mayContain(name)) return undefined;
    const key = normaliseDomain(name);
    if (!key) return undefined;
    let at = 0;
    for (;;) {
      const suffix = at === 0 ? key : key.slice(at);
      const entry = this.entries.get(suffix);
      if (entry) return { suffix, entry };
      const dot = key.indexOf(".", at);
      if (dot === -1) return undefined;
      at = dot + 1;
    }
  }

  private markTail(key: string): void {
    const h = tailHashes(key);
    if (h.labels >= 2) this.twoLabelBits[h.two >>> 5]! |= 1 << (h.two & 31);
    else this.oneLabelBits[h.one >>> 5]! |= 1 << (h.one & 31);
  }

  private mayContain(name: string): boolean {
    const h = tailHashes(name);
    return this.hasTail(h.one, h.two);
  }

  /**
   * False when no entry (listed or allowed) can be a suffix of the name given as ASCII bytes
   * buf[start, end): the test lookup() starts with, on a fast path's bytes, without making a string.
   */
  mayContainBytes(buf: Uint8Array, start: number, end: number): boolean {
    const h = tailHashesOfBytes(buf, start, end);
    return this.hasTail(h.one, h.two);
  }

  /** Bit sets, not byte maps: 8 KiB each stays in the processor's cache, which every DNS record's lookup needs. */
  private hasTail(one: number, two: number): boolean {
    return (this.twoLabelBits[two >>> 5]! & (1 << (two & 31))) !== 0 || (this.oneLabelBits[one >>> 5]! & (1 << (one & 31))) !== 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Lower case, no trailing dot, no surrounding space; undefined for what cannot be a DNS name. */
export function normaliseDomain(name: string): string | undefined {
  let d = name.trim().toLowerCase();
  if (d.endsWith(".")) d = d.slice(0, -1);
  if (d.startsWith("*.")) d = d.slice(2);
  if (d.length === 0 || d.length > 253 || d.includes(" ") || d.includes("/")) return undefined;
  return d;
}

const TAIL_BITS = 1 << 16;
const scratch = { one: 0, two: 0, labels: 0 };

/**
 * FNV-1a hashes (16 bits) of a name's last label and last two labels, read right to left, ASCII
 * lower-cased, trailing dots and white space ignored. Returns a shared object: read it at once.
 */
function tailHashes(name: string): { one: number; two: number; labels: number } {
  let end = name.length;
  while (end > 0) {
    const c = name.charCodeAt(end - 1);
    if (c !== 0x2e && c !== 0x20 && c !== 0x09) break;
    end--;
  }
  let h = 0x811c9dc5;
  let labels = 1;
  scratch.one = 0;
  for (let i = end - 1; i >= 0; i--) {
    let c = name.charCodeAt(i);
    if (c === 0x2e) {
      if (labels === 1) scratch.one = (h ^ (h >>> 16)) & 0xffff;
      labels++;
      if (labels > 2) break;
    }
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const folded = (h ^ (h >>> 16)) & 0xffff;
  if (labels === 1) scratch.one = folded;
  scratch.two = folded;
  scratch.labels = Math.min(labels, 2);
  return scratch;
}

/** tailHashes of a name given as bytes buf[start, end) (the same hashes for the same ASCII name). */
function tailHashesOfBytes(buf: Uint8Array, start: number, end: number): { one: number; two: number; labels: number } {
  while (end > start) {
    const c = buf[end - 1]!;
    if (c !== 0x2e && c !== 0x20 && c !== 0x09) break;
    end--;
  }
  let h = 0x811c9dc5;
  let labels = 1;
  scratch.one = 0;
  for (let i = end - 1; i >= start; i--) {
    let c = buf[i]!;
    if (c === 0x2e) {
      if (labels === 1) scratch.one = (h ^ (h >>> 16)) & 0xffff;
      labels++;
      if (labels > 2) break;
    }
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const folded = (h ^ (h >>> 16)) & 0xffff;
  if (labels === 1) scratch.one = folded;
  scratch.two = folded;
  scratch.labels = Math.min(labels, 2);
  return scratch;
}
