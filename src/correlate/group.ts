import { WEAK_CONFIDENCE, type Entities, type Finding } from "../model/index.js";

/**
 * Group findings that share an entity. Strong findings (confidence >= WEAK_CONFIDENCE) are joined
 * with each other through shared hosts, IPs, instances, access keys, containers, pods, images and
 * pools, and through the same cloud account within a time window. Weak findings (a port, a CPU
 * spike) never start or bridge a group: each joins the group it shares the most entities with.
 *
 * A shared pool or wallet does not join: thousands of unrelated miners use the same public pools,
 * and a cloud account and an on-premise host need different responses even when one actor is behind
 * both. Such incidents are linked as related instead (see relatedIncidents).
 */
export interface GroupOptions {
  /** Same-account findings join when their times are within this many hours. */
  accountWindowHours: number;
}

/** Entity keys that join findings. Users, namespaces and pools are too common to join on their own. */
export function joinKeys(e: Entities): string[] {
  const keys: string[] = [];
  for (const h of e.hosts ?? []) keys.push(`host:${h.toLowerCase()}`);
  for (const ip of e.ips ?? []) keys.push(`ip:${ip}`);
  for (const i of e.instances ?? []) keys.push(`instance:${i}`);
  for (const k of e.accessKeys ?? []) keys.push(`key:${k}`);
  for (const c of e.containers ?? []) keys.push(`container:${c}`);
  const cluster = e.clusters?.[0] ?? "";
  for (const p of e.pods ?? []) keys.push(`pod:${cluster}/${p}`);
  for (const img of e.images ?? []) keys.push(`image:${imageRepository(img)}`);
  return keys;
}

/** "docker.io/library/nginx:1.25" and "nginx" are one image repository: registry, library/ and tag dropped. */
export function imageRepository(image: string): string {
  let i = image.trim().toLowerCase();
  const at = i.indexOf("@");
  if (at !== -1) i = i.slice(0, at);
  const colon = i.lastIndexOf(":");
  if (colon > i.lastIndexOf("/")) i = i.slice(0, colon);
  const first = i.split("/", 1)[0]!;
  if (i.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) i = i.slice(first.length + 1);
  if (i.startsWith("library/")) i = i.slice(8);
  return i;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) { this.parent = Array.from({ length: n }, (_, i) => i); }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[i] !== r) { const next = this.parent[i]!; this.parent[i] = r; i = next; }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

export function groupFindings(findings: readonly Finding[], opts: GroupOptions): Finding[][] {
  const strong: number[] = [];
  const weak: number[] = [];
  findings.forEach((f, i) => (f.confidence >= WEAK_CONFIDENCE ? strong : weak).push(i));
  const uf = new UnionFind(findings.length);

  // Shared entity keys among strong findings.
  const owner = new Map<string, number>();
  for (const i of strong) {
    for (const k of joinKeys(findings[i]!.entities)) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else uf.union(o, i);
    }
  }

  // Same account within the window: sort by time, chain neighbours that are close enough.
  const windowMs = opts.accountWindowHours * 3600_000;
  const byAccount = new Map<string, number[]>();
  for (const i of strong) for (const a of findings[i]!.entities.accounts ?? []) {
    const list = byAccount.get(a);
    if (list) list.push(i); else byAccount.set(a, [i]);
  }
  for (const list of byAccount.values()) {
    list.sort((a, b) => ms(findings[a]!.firstSeen) - ms(findings[b]!.firstSeen));
    let lastEnd = -Infinity;
    let prev = -1;
    for (const i of list) {
      const f = findings[i]!;
      const start = ms(f.firstSeen);
      if (prev !== -1 && start - lastEnd <= windowMs) uf.union(prev, i);
      lastEnd = Math.max(lastEnd, ms(f.lastSeen) || start);
      prev = i;
    }
  }

  const groups = new Map<number, number[]>();
  for (const i of strong) {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(i); else groups.set(r, [i]);
  }

  // Weak findings join the group they share most keys with (accounts count within the window).
  const keyToRoot = new Map<string, number>();
  for (const i of strong) for (const k of joinKeys(findings[i]!.entities)) keyToRoot.set(k, uf.find(i));
  for (const i of weak) {
    const f = findings[i]!;
    const votes = new Map<number, number>();
    for (const k of joinKeys(f.entities)) {
      const r = keyToRoot.get(k);
      if (r !== undefined) votes.set(r, (votes.get(r) ?? 0) + 1);
    }
    for (const a of f.entities.accounts ?? []) {
      for (const j of byAccount.get(a) ?? []) {
        const g = findings[j]!;
        const near = Math.abs(ms(g.firstSeen) - ms(f.firstSeen)) <= windowMs || Math.abs(ms(g.lastSeen) - ms(f.lastSeen)) <= windowMs;
        if (near) { const r = uf.find(j); votes.set(r, (votes.get(r) ?? 0) + 0.5); break; }
      }
    }
    let best: number | undefined;
    let bestVotes = 0;
    for (const [r, v] of votes) if (v > bestVotes || (v === bestVotes && best !== undefined && r < best)) { best = r; bestVotes = v; }
    if (best !== undefined) groups.get(best)!.push(i);
  }

  return [...groups.values()].map((idx) => idx.sort((a, b) => a - b).map((i) => findings[i]!));
}
