/**
 * Entities: the one home for what a finding or incident is about, how entity values are normalised,
 * and which shared entity joins two findings (correlation) or two incidents (the store).
 *
 * The join policy, one table for both places:
 *   - "identity": a machine-level identity (host, address, cloud instance, access key, container, pod,
 *     image repository). Two findings naming it are about the same thing; the store joins an incoming
 *     incident to a stored one through it while the stored one is open.
 *   - "window": a broad identity (a cloud account). It joins only when the two time ranges come within
 *     the correlation window: one account can host unrelated activity weeks apart.
 *   - "never": too common to join on (region, provider, namespace, user, cluster) or shared by unrelated
 *     victims (a public pool). Such links are campaign marks (correlate/campaigns.ts), never joins.
 */
import type { Entities, EntityKind } from "./finding.js";

export type JoinRule = "identity" | "window" | "never";

export const ENTITY_JOIN: Readonly<Record<EntityKind, JoinRule>> = {
  hosts: "identity",
  ips: "identity",
  instances: "identity",
  accessKeys: "identity",
  containers: "identity",
  pods: "identity",
  images: "identity",
  accounts: "window",
  users: "never",
  pools: "never",
  clusters: "never",
  regions: "never",
  providers: "never",
  namespaces: "never",
};

export const ENTITY_KINDS = Object.keys(ENTITY_JOIN) as EntityKind[];

/** At most this many values of one kind are kept on a finding or incident (a scanner can name thousands of addresses). */
export const MAX_ENTITY_VALUES = 200;

/** Names that DNS and hosts treat case-insensitively are compared in lower case. */
const CASE_INSENSITIVE: ReadonlySet<EntityKind> = new Set<EntityKind>(["hosts", "pools", "providers"]);

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

/** The comparable form of an entity value: trimmed, lower case where names are case-insensitive, images by repository. */
export function normaliseEntityValue(kind: EntityKind, value: string): string {
  const trimmed = value.trim();
  if (kind === "images") return imageRepository(trimmed);
  return CASE_INSENSITIVE.has(kind) ? trimmed.toLowerCase() : trimmed;
}

export interface EntityPair {
  kind: EntityKind;
  value: string;
}

/** Every (kind, normalised value) of an entity set, without duplicates or empty values. */
export function entityPairs(entities: Entities): EntityPair[] {
  const out: EntityPair[] = [];
  for (const kind of ENTITY_KINDS) {
    const list = entities[kind];
    if (!list) continue;
    const seen = new Set<string>();
    for (const raw of list) {
      const value = normaliseEntityValue(kind, raw);
      if (value === "" || seen.has(value)) continue;
      seen.add(value);
      out.push({ kind, value });
    }
  }
  return out;
}

/**
 * Join keys of an entity set under one rule: "kind:value" strings. Pods are qualified by their cluster,
 * since pod names repeat across clusters.
 */
export function joinKeys(entities: Entities, rule: JoinRule = "identity"): string[] {
  const cluster = entities.clusters?.[0] ?? "";
  const keys: string[] = [];
  for (const p of entityPairs(entities)) {
    if (ENTITY_JOIN[p.kind] !== rule) continue;
    keys.push(p.kind === "pods" ? `pods:${cluster}/${p.value}` : `${p.kind}:${p.value}`);
  }
  return keys;
}

/**
 * The union of entity sets, in first-seen order, bounded per kind. A loop, not a spread: an incident
 * can be built from hundreds of thousands of findings.
 */
export function unionEntities(sets: Iterable<Entities>): Entities {
  const out: Entities = {};
  const seen = new Map<EntityKind, Set<string>>();
  for (const s of sets) addEntities(out, s, seen);
  return out;
}

/** Add `more` into `into` (mutating), bounded per kind; `seen` caches normalised values across calls. */
export function addEntities(into: Entities, more: Entities, seen: Map<EntityKind, Set<string>> = new Map()): void {
  for (const kind of ENTITY_KINDS) {
    const values = more[kind];
    if (!values || values.length === 0) continue;
    let known = seen.get(kind);
    if (!known) {
      known = new Set((into[kind] ?? []).map((v) => normaliseEntityValue(kind, v)));
      seen.set(kind, known);
    }
    for (const v of values) {
      const key = normaliseEntityValue(kind, v);
      if (key === "" || known.has(key)) continue;
      const list = into[kind];
      if (list && list.length >= MAX_ENTITY_VALUES) break;
      known.add(key);
      // A new list as a literal of one value (a push onto [] reserves room for 17; findings keep these lists).
      if (!list) into[kind] = [kind === "hosts" ? key : v];
      else list.push(kind === "hosts" ? key : v);
    }
  }
}

/** Milliseconds of an ISO time; NaN when unreadable. */
export function timeMs(iso: string): number {
  return iso ? Date.parse(iso) : Number.NaN;
}

export interface Seen {
  firstSeen: string;
  lastSeen: string;
}

/** Whether two time ranges overlap once each is widened by the window. Unreadable times count as near. */
export function withinWindow(a: Seen, b: Seen, windowHours: number): boolean {
  const window = windowHours * 3_600_000;
  const [aFirst, aLast, bFirst, bLast] = [timeMs(a.firstSeen), timeMs(a.lastSeen), timeMs(b.firstSeen), timeMs(b.lastSeen)];
  if ([aFirst, aLast, bFirst, bLast].some(Number.isNaN)) return true;
  return aFirst - window <= bLast && bFirst - window <= aLast;
}
