/**
 * Campaigns: incidents that one actor is behind. Correlation keeps incidents apart when they are
 * different machines (each keeps its own environment and PB-31 branch); a campaign groups them again
 * through attacker-side marks, so PB-31's "one machine or many?" sees the whole outbreak.
 *
 * Marks, strongest first:
 *   - wallet: the attacker's own payout address;
 *   - attacker-ip: a public address that is not a pool endpoint (an API caller, a scanner);
 *   - download-host: where a dropper or miner was fetched from;
 *   - private-pool: a pool endpoint on a private address (the attacker's own proxy inside the network);
 *   - pool: a public pool endpoint. Unrelated victims share public pools, so a pool links incidents only
 *     when their times come within the correlation window (machines of one organisation, mining at
 *     the same time, to the same pool).
 *
 * Links are found through an index (mark → incidents) and a union-find, linear in the number of links:
 * an outbreak of 5,000 hosts to one pool is one campaign, not 12.5 million pairs.
 */
import { createHash } from "node:crypto";
import type { Campaign, CampaignLink, CampaignLinkKind, CampaignMark, CampaignScope, Environment, Finding, MarkedIncident } from "../model/index.js";
import { CAMPAIGN_LINK_KINDS, evidenceKindOf, timeMs, unionEntities } from "../model/index.js";
import { isPrivateIp } from "../intel/ips.js";
import { UnionFind } from "./union-find.js";

/** What campaigns need of an incident (a draft or a stored incident). */
export interface CampaignMember {
  id: string;
  findings: readonly Finding[];
  scope: { hosts: number; instances: number };
  entities: Finding["entities"];
  environment: Environment;
  firstSeen: string;
  lastSeen: string;
}

export interface CampaignOptions {
  /** Pool marks link incidents whose times are within this many hours. */
  windowHours: number;
}

const MAX_LINKS = 20;

/** Kinds of evidence whose addresses are the far end of traffic, not an actor's own. */
const TRAFFIC_KINDS: ReadonlySet<string> = new Set(["dns", "flow", "payload", "sensor-alert"]);

type Mark = CampaignMark;

const hostOfUrl = (url: string): string | undefined => {
  try { return new URL(url).hostname.toLowerCase() || undefined; } catch { return undefined; }
};

/** Strip the port of "host:port" (IPv6 in brackets kept whole). */
const endpointHost = (pool: string): string => {
  if (pool.startsWith("[")) return pool.slice(1, Math.max(1, pool.indexOf("]")));
  const colon = pool.lastIndexOf(":");
  return colon > 0 && pool.indexOf(":") === colon ? pool.slice(0, colon) : pool;
};

/** The attacker-side marks of one incident. */
export function marksOf(member: CampaignMember): Mark[] {
  const out = new Map<string, Mark>();
  const add = (kind: CampaignLinkKind, value: string) => { if (value) out.set(`${kind}\0${value}`, { kind, value }); };
  const poolHosts = new Set<string>();
  for (const f of member.findings) {
    for (const p of f.entities.pools ?? []) {
      const pool = p.toLowerCase();
      const host = endpointHost(pool);
      poolHosts.add(host);
      add(isPrivateIp(host) ? "private-pool" : "pool", pool);
    }
  }
  const local = new Set(member.entities.ips ?? []);
  for (const f of member.findings) {
    // In traffic (DNS answers, flows, payloads) a public address is the far end: a pool, linked with the window.
    const traffic = TRAFFIC_KINDS.has(evidenceKindOf(f));
    for (const o of f.observables) {
      if (o.type === "wallet") add("wallet", o.value);
      else if (o.type === "url") { const h = hostOfUrl(o.value); if (h) add("download-host", h); }
      else if (o.type === "ip" && !isPrivateIp(o.value) && !poolHosts.has(o.value) && !local.has(o.value)) add(traffic ? "pool" : "attacker-ip", o.value);
    }
  }
  return [...out.values()];
}

/** Group incidents into campaigns (two incidents or more). Deterministic: members are taken in id order. */
export function findCampaigns(input: readonly CampaignMember[], opts: CampaignOptions): Campaign[] {
  return groupByMarks(input.map(({ findings: _f, ...m }) => ({ ...m, marks: marksOf({ ...m, findings: _f }) })), opts);
}

/** The same grouping over members whose marks are known (a scan's drafts, or stored incidents). */
export function groupByMarks(input: readonly MarkedIncident[], opts: CampaignOptions): Campaign[] {
  const members = [...input].sort((a, b) => a.id.localeCompare(b.id));
  const uf = new UnionFind(members.length);
  const index = new Map<string, { mark: Mark; members: number[] }>();
  members.forEach((m, i) => {
    for (const mark of m.marks) {
      const key = `${mark.kind}\0${mark.value}`;
      const entry = index.get(key);
      if (entry) entry.members.push(i); else index.set(key, { mark, members: [i] });
    }
  });
  const windowMs = opts.windowHours * 3_600_000;
  for (const { mark, members: list } of index.values()) {
    if (list.length < 2) continue;
    if (mark.kind !== "pool") {
      for (let k = 1; k < list.length; k++) uf.union(list[0]!, list[k]!);
      continue;
    }
    // A public pool: chain incidents whose time ranges come within the window of each other.
    const byTime = [...list].sort((a, b) => startMs(members[a]!) - startMs(members[b]!));
    let reach = Number.NEGATIVE_INFINITY;
    let prev = -1;
    for (const i of byTime) {
      const m = members[i]!;
      const start = startMs(m);
      if (prev !== -1 && (Number.isNaN(start) || start - reach <= windowMs)) uf.union(prev, i);
      reach = Math.max(reach, endMs(m));
      prev = i;
    }
  }
  const groups = new Map<number, number[]>();
  members.forEach((_m, i) => {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(i); else groups.set(r, [i]);
  });
  const campaigns: Campaign[] = [];
  for (const idx of groups.values()) {
    if (idx.length < 2) continue;
    const inCampaign = new Set(idx);
    const links: CampaignLink[] = [];
    for (const { mark, members: list } of index.values()) {
      const n = list.filter((i) => inCampaign.has(i)).length;
      if (n >= 2) links.push({ kind: mark.kind, value: mark.value, incidents: n });
    }
    links.sort((a, b) => CAMPAIGN_LINK_KINDS.indexOf(a.kind) - CAMPAIGN_LINK_KINDS.indexOf(b.kind) || b.incidents - a.incidents || a.value.localeCompare(b.value));
    campaigns.push(campaignOf(idx.map((i) => members[i]!), links.slice(0, MAX_LINKS)));
  }
  return campaigns.sort((a, b) => b.scope.machines - a.scope.machines || a.id.localeCompare(b.id));
}

function startMs(m: MarkedIncident): number { return timeMs(m.firstSeen); }
function endMs(m: MarkedIncident): number { const t = timeMs(m.lastSeen); return Number.isNaN(t) ? startMs(m) : t; }

function campaignOf(members: MarkedIncident[], links: CampaignLink[]): Campaign {
  const entities = unionEntities(members.map((m) => m.entities));
  const scope: CampaignScope = {
    hosts: entities.hosts?.length ?? 0,
    instances: entities.instances?.length ?? 0,
    regions: entities.regions?.length ?? 0,
    accounts: entities.accounts?.length ?? 0,
    clusters: entities.clusters?.length ?? 0,
    incidents: members.length,
    machines: members.reduce((n, m) => n + Math.max(1, m.scope.hosts, m.scope.instances), 0),
  };
  const ids = members.map((m) => m.id).sort();
  const id = `camp-${createHash("sha256").update(ids[0]!).digest("hex").slice(0, 12)}`;
  const times = members.flatMap((m) => [m.firstSeen, m.lastSeen]).filter(Boolean).sort();
  const top = links[0];
  const title = `Campaign: ${scope.machines} machine${scope.machines === 1 ? "" : "s"} in ${members.length} incidents` +
    (top ? `, linked by ${top.kind.replace("-", " ")} ${shorten(top.value)}` : "");
  return {
    id, title, incidentIds: ids, links, scope,
    environments: [...new Set(members.map((m) => m.environment))].sort(),
    firstSeen: times[0] ?? "", lastSeen: times.at(-1) ?? "",
  };
}

function shorten(value: string): string {
  return value.length > 20 ? `${value.slice(0, 8)}…${value.slice(-6)}` : value;
}
