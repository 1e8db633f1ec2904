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

  add(domain: string, value: T): void {
    const key = normaliseDomain(domain);
    if (!key) return;
    const existing = this.entries.get(key);
    if (existing?.allow) return; // allowlist wins ties
    if (existing?.value !== undefined) return; // first list to name a domain keeps it (curated data loads first)
    this.entries.set(key, { allow: false, value });
  }

  allow(domain: string): void {
    const key = normaliseDomain(domain);
    if (key) this.entries.set(key, { allow: true });
  }

  /** The entry of the longest listed suffix of `name`, with that suffix. */
  lookup(name: string): { suffix: string; entry: DomainEntry<T> } | undefined {
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
