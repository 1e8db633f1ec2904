/**
 * The counterpart of network evidence is the POOL. A pool named by a domain (a DNS answer, a TLS SNI, a
 * Stratum login to a known pool) is that domain, whatever addresses and ports it answered on; an unnamed
 * pool is only an address, and a miner that fails over across many addresses and ports is one machine
 * talking to one kind of thing. So for a network finding that names pools:
 *
 *   - the fact (model/finding.ts factKey) is (rule, class, subject, pool NAMES): a named pool stays one fact
 *     per domain, and every unnamed endpoint of one subject under one rule and one strength class (the
 *     draft's `key`: port only, pool-shaped sessions, Stratum of one dialect...) is one fact;
 *   - the endpoints themselves are counted here, not keyed: the finding keeps a bounded list of them
 *     (entities.pools and the address and port observables: as many as any entity list keeps, the first in
 *     address order so the list does not depend on reading order) and the true total as the fact
 *     `pool.endpoints`. The list is what exports and campaign marks (correlate/campaigns.ts) read, so it is
 *     as long as an entity list may be, not a display-sized sample;
 *   - once a finding covers several endpoints it reads as such: the draft's `manyEndpoints` title and
 *     description ("{n}" is the number), taken from the strongest draft (highest confidence, then
 *     earliest), so it never claims for all endpoints what only one showed. Without one the title gains
 *     " — N pool endpoints".
 *
 * Host findings (a command line naming -o 1.2.3.4:3333) are not network evidence and keep their keys.
 */
import { ipFamily } from "./ip-text.js";
import type { Finding, FindingDraft, Observable } from "./finding.js";
import { MAX_ENTITY_VALUES } from "./entities.js";

/** Endpoints listed on one finding (entities.pools, ip and port observables). */
export const MAX_KEPT_POOL_ENDPOINTS = MAX_ENTITY_VALUES;
/** Distinct endpoints counted per fact; past it `pool.endpoints` is a lower bound (`pool.endpoints_more`). */
export const MAX_COUNTED_POOL_ENDPOINTS = 10_000;
/** Facts that describe one endpoint: a finding about several does not carry them. */
const ONE_ENDPOINT_FACTS = ["destination.ip", "destination.port"] as const;

export interface PoolCounterpart {
  /** Pool domains the draft names, lower case and sorted; empty for an unnamed pool. */
  names: string[];
  /** The endpoints ("1.2.3.4:3333", "[2001:db8::1]:3333", "1.2.3.4") it names. */
  endpoints: string[];
  /** Their addresses and ports, to tell the endpoint observables from the others. */
  hosts: Set<string>;
  ports: Set<string>;
}

/** An endpoint's address and port, or undefined when the pool is a name rather than an address. */
export function splitEndpoint(pool: string): { host: string; port?: string } | undefined {
  if (pool.startsWith("[")) {
    const close = pool.indexOf("]");
    if (close === -1) return undefined;
    const host = pool.slice(1, close);
    const port = pool.slice(close + 2);
    return ipFamily(host) === 6 ? { host, ...(port ? { port } : {}) } : undefined;
  }
  if (ipFamily(pool) !== 0) return { host: pool };
  const colon = pool.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const host = pool.slice(0, colon);
  return ipFamily(host) === 4 ? { host, port: pool.slice(colon + 1) } : undefined;
}

/** The pool a network draft is about, or undefined for any other finding. */
export function poolCounterpart(draft: Pick<FindingDraft, "trigger" | "entities">): PoolCounterpart | undefined {
  if (draft.trigger !== "network") return undefined;
  const pools = draft.entities.pools;
  if (!pools || pools.length === 0) return undefined;
  const names: string[] = [];
  const endpoints: string[] = [];
  const hosts = new Set<string>();
  const ports = new Set<string>();
  for (const p of pools) {
    const e = splitEndpoint(p);
    if (!e) { const n = p.trim().toLowerCase(); if (n && !names.includes(n)) names.push(n); continue; }
    if (!endpoints.includes(p)) endpoints.push(p);
    hosts.add(e.host);
    if (e.port !== undefined) ports.add(e.port);
  }
  return { names: names.sort(), endpoints, hosts, ports };
}

/** The counterpart's part of a fact key: the pool names, or "any unnamed endpoint". */
export function counterpartKey(pool: PoolCounterpart): string {
  return pool.names.length ? `pools=${pool.names.join(",")}` : "pools=*";
}

/** Whether an observable is an endpoint's address or port (counted by the tally, not part of the fact). */
export function isEndpointObservable(o: Observable, pool: PoolCounterpart): boolean {
  return (o.type === "ip" && pool.hosts.has(o.value)) || (o.type === "port" && pool.ports.has(o.value));
}

/** Address order: IPv4 by number, then IPv6 and the rest as text; the port by number. */
function endpointOrder(endpoint: string): string {
  const e = splitEndpoint(endpoint);
  if (!e) return `2${endpoint}`;
  const port = (e.port ?? "").padStart(5, "0");
  if (ipFamily(e.host) === 4) return `0${e.host.split(".").map((o) => o.padStart(3, "0")).join(".")}:${port}`;
  return `1${e.host}:${port}`;
}

/** How the strongest draft of a fact reads. */
interface Reading {
  confidence: number;
  firstSeen: string;
  title: string;
  description?: string;
  many?: { title: string; description?: string };
}

function stronger(a: Reading, b: Reading): boolean {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  if (a.firstSeen !== b.firstSeen) return !b.firstSeen || (a.firstSeen !== "" && a.firstSeen < b.firstSeen);
  if (a.title !== b.title) return a.title < b.title;
  return (a.description ?? "") < (b.description ?? "");
}

const fill = (template: string, n: number): string => template.replaceAll("{n}", n.toLocaleString("en"));

/**
 * The endpoints of one fact, counted exactly (up to MAX_COUNTED_POOL_ENDPOINTS), and how the finding reads.
 * The engine holds one per fact: `take` each draft before it is merged, `apply` to the finding after.
 */
export class PoolEndpointTally {
  private readonly seen = new Set<string>();
  private more = false;
  private best: Reading | undefined;
  /** The observables of the fact that are not endpoints (the same for every draft: they are in its key). */
  private others: Observable[] | undefined;
  private changed = true;

  get total(): number {
    return this.seen.size;
  }

  /**
   * Count the draft's endpoints, then leave on the draft only what the fact is (its pool names and its other
   * observables), so merging it never grows the finding's lists; the endpoints are written back by `apply`.
   */
  take(draft: FindingDraft, pool: PoolCounterpart): void {
    for (const e of pool.endpoints) {
      if (this.seen.has(e)) continue;
      if (this.seen.size >= MAX_COUNTED_POOL_ENDPOINTS) { this.more = true; continue; }
      this.seen.add(e);
      this.changed = true;
    }
    const reading: Reading = { confidence: draft.confidence, firstSeen: draft.firstSeen, title: draft.title };
    if (draft.description !== undefined) reading.description = draft.description;
    if (draft.manyEndpoints) reading.many = draft.manyEndpoints;
    if (!this.best || stronger(reading, this.best)) { this.best = reading; this.changed = true; }
    const others = draft.observables.filter((o) => !isEndpointObservable(o, pool));
    this.others ??= others;
    // A copy: a detector's aggregate may still hold the entities object it handed over.
    const entities = { ...draft.entities };
    if (pool.names.length) entities.pools = [...pool.names]; else delete entities.pools;
    draft.entities = entities;
    draft.observables = others;
    if (this.seen.size > 1 && draft.facts) {
      const facts = { ...draft.facts };
      for (const k of ONE_ENDPOINT_FACTS) delete facts[k];
      draft.facts = facts;
    }
  }

  /** Write the kept endpoints, the total and (for several endpoints) the title and description onto the finding. */
  apply(f: Finding, pool: PoolCounterpart): void {
    const n = this.seen.size;
    if (n > 1 && this.best) {
      const many = this.best.many;
      f.title = many ? fill(many.title, n) : `${this.best.title} — ${n.toLocaleString("en")} pool endpoints`;
      const description = many?.description !== undefined ? fill(many.description, n) : this.best.description;
      if (description !== undefined) f.description = description; else delete f.description;
    }
    if (!this.changed) return;
    this.changed = false;
    const kept = [...this.seen].map((e) => [endpointOrder(e), e] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, MAX_KEPT_POOL_ENDPOINTS).map(([, e]) => e);
    f.entities.pools = [...pool.names, ...kept];
    const ips: Observable[] = [];
    const ports: Observable[] = [];
    for (const e of kept) {
      const { host, port } = splitEndpoint(e)!;
      if (!ips.some((o) => o.value === host)) ips.push({ type: "ip", value: host });
      if (port !== undefined && !ports.some((o) => o.value === port)) ports.push({ type: "port", value: port });
    }
    f.observables = [...ips, ...ports, ...(this.others ?? [])];
    const facts = { ...(f.facts ?? {}) };
    if (n > 1) for (const k of ONE_ENDPOINT_FACTS) delete facts[k];
    facts["pool.endpoints"] = n;
    if (this.more) facts["pool.endpoints_more"] = true;
    f.facts = facts;
  }
}
