import { WEAK_CONFIDENCE, joinKeys, timeMs, type Finding } from "../model/index.js";
import { UnionFind } from "./union-find.js";

/**
 * Group findings that share an entity, under the one join policy of model/entities.ts. Strong findings
 * (confidence >= WEAK_CONFIDENCE) are joined with each other through a shared identity (host, IP,
 * instance, access key, container, pod, image repository) and through the same cloud account within a
 * time window. Weak findings (a port, a CPU
 * spike) never start or bridge a group: each joins the group it shares the most entities with.
 *
 * A shared pool or wallet does not join: thousands of unrelated miners use the same public pools,
 * and a cloud account and an on-premise host need different responses even when one actor is behind
 * both. Such incidents form a campaign instead (correlate/campaigns.ts).
 */
export interface GroupOptions {
  /** Same-account findings join when their times are within this many hours. */
  accountWindowHours: number;
}

const ms = (iso: string): number => {
  const t = timeMs(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * What a finding joins on: its identity keys (model/entities.ts). A finding that names no machine at all (a
 * lone `ps auxww` or `top` screen, a shell history: listings that print no host name) is about the machine the
 * file was collected from, so its file stands in for the machine: findings of one such file join, and a file
 * never joins another file's findings.
 */
function identityKeys(f: Finding): string[] {
  const keys = joinKeys(f.entities);
  if (keys.length > 0 || joinKeys(f.entities, "window").length > 0) return keys;
  const file = f.evidence[0]?.file;
  return file ? [`file:${file}`] : [];
}

export function groupFindings(findings: readonly Finding[], opts: GroupOptions): Finding[][] {
  const strong: number[] = [];
  const weak: number[] = [];
  findings.forEach((f, i) => {
    // A provider's sample finding (GuardDuty CreateSampleFindings, Defender SIMULATED_) is a test of the
    // pipeline, not an attack: it never opens, joins or bridges an incident (the summary counts it).
    if (f.sample === true) return;
    // A policy observation (a cryptocurrency node) is about the site's rules, not about mining: it stays
    // outside every incident, even on a machine that has one.
    if (f.tags?.includes("policy")) return;
    (f.confidence >= WEAK_CONFIDENCE ? strong : weak).push(i);
  });
  const uf = new UnionFind(findings.length);

  // Shared entity keys among strong findings.
  const owner = new Map<string, number>();
  for (const i of strong) {
    for (const k of identityKeys(findings[i]!)) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else uf.union(o, i);
    }
  }

  // Same account within the window: sort by time, chain neighbours that are close enough.
  const windowMs = opts.accountWindowHours * 3600_000;
  const byAccount = new Map<string, number[]>();
  for (const i of strong) for (const a of joinKeys(findings[i]!.entities, "window")) {
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
  for (const i of strong) for (const k of identityKeys(findings[i]!)) keyToRoot.set(k, uf.find(i));
  for (const i of weak) {
    const f = findings[i]!;
    const votes = new Map<number, number>();
    for (const k of identityKeys(f)) {
      const r = keyToRoot.get(k);
      if (r !== undefined) votes.set(r, (votes.get(r) ?? 0) + 1);
    }
    for (const a of joinKeys(f.entities, "window")) {
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
