/**
 * When does a newly found incident belong to one already stored, and what does the union look like?
 * Pure functions: the store calls them inside its transaction.
 *
 * Which shared entity is enough to merge:
 *   - a machine-level identity (host, cloud instance, access key, container, pod) while the stored
 *     incident is open: the same machine still mining is the same incident until someone closes it;
 *   - a broad identity (account, IP, cluster, image) only when the two incidents' time ranges come
 *     within the correlation window of each other: one cloud account can host unrelated activity weeks apart;
 *   - never on region, provider, namespace, user or pool alone: thousands of unrelated things share
 *     "us-east-1", "root" or a public pool, and correlation (src/correlate/group.ts) does not join on
 *     them either — the store must not undo what correlation kept apart.
 */
import type { Entities, EntityKind, Incident } from "../model/index.js";
import { PRIORITIES, severityRank } from "../model/index.js";

export type MergeRule = "while-open" | "within-window" | "never";

export const ENTITY_MERGE_RULES: Readonly<Record<EntityKind, MergeRule>> = {
  hosts: "while-open",
  instances: "while-open",
  accessKeys: "while-open",
  containers: "while-open",
  pods: "while-open",
  accounts: "within-window",
  users: "never",
  ips: "within-window",
  pools: "never",
  clusters: "within-window",
  images: "within-window",
  regions: "never",
  providers: "never",
  namespaces: "never",
};

export const ENTITY_KINDS = Object.keys(ENTITY_MERGE_RULES) as EntityKind[];

/** Names that DNS and hosts treat case-insensitively are compared in lower case. */
const CASE_INSENSITIVE: ReadonlySet<EntityKind> = new Set<EntityKind>(["hosts", "pools"]);

export function normaliseEntityValue(kind: EntityKind, value: string): string {
  const trimmed = value.trim();
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
    const seen = new Set<string>();
    for (const raw of entities[kind] ?? []) {
      const value = normaliseEntityValue(kind, raw);
      if (value === "" || seen.has(value)) continue;
      seen.add(value);
      out.push({ kind, value });
    }
  }
  return out;
}

/** Only the pairs that can ever cause a merge. */
export function mergeablePairs(entities: Entities): EntityPair[] {
  return entityPairs(entities).filter((p) => ENTITY_MERGE_RULES[p.kind] !== "never");
}

/** Milliseconds of an ISO time; NaN when unreadable. */
function ms(time: string): number {
  return Date.parse(time);
}

export interface Seen {
  firstSeen: string;
  lastSeen: string;
}

/** Whether two time ranges overlap once each is widened by the window. Unreadable times count as near. */
export function withinWindow(a: Seen, b: Seen, windowHours: number): boolean {
  const window = windowHours * 3_600_000;
  const [aFirst, aLast, bFirst, bLast] = [ms(a.firstSeen), ms(a.lastSeen), ms(b.firstSeen), ms(b.lastSeen)];
  if ([aFirst, aLast, bFirst, bLast].some(Number.isNaN)) return true;
  return aFirst - window <= bLast && bFirst - window <= aLast;
}

/** Whether a stored incident shares an entity with the incoming one under the rules above. */
export function sharesMergeEntity(stored: Incident, incoming: Entities, incomingSeen: Seen | undefined, windowHours: number): boolean {
  const storedPairs = new Set(entityPairs(stored.entities).map((p) => `${p.kind}\0${p.value}`));
  for (const pair of mergeablePairs(incoming)) {
    if (!storedPairs.has(`${pair.kind}\0${pair.value}`)) continue;
    if (ENTITY_MERGE_RULES[pair.kind] === "while-open") return true;
    if (!incomingSeen || withinWindow(stored, incomingSeen, windowHours)) return true;
  }
  return false;
}

function unionEntities(a: Entities, b: Entities): Entities {
  const out: Entities = {};
  for (const kind of ENTITY_KINDS) {
    const values: string[] = [];
    const seen = new Set<string>();
    for (const v of [...(a[kind] ?? []), ...(b[kind] ?? [])]) {
      const key = normaliseEntityValue(kind, v);
      if (key === "" || seen.has(key)) continue;
      seen.add(key);
      values.push(v);
    }
    if (values.length > 0) out[kind] = values;
  }
  return out;
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

function earlier(a: string, b: string): string {
  const [x, y] = [ms(a), ms(b)];
  if (Number.isNaN(x) || Number.isNaN(y)) return a <= b ? a : b;
  return x <= y ? a : b;
}

function later(a: string, b: string): string {
  return earlier(a, b) === a ? b : a;
}

function mergeChecklist(stored: Incident["checklist"], incoming: Incident["checklist"]): Incident["checklist"] {
  const out = stored.map((item) => ({ ...item }));
  for (const item of incoming) {
    const mine = out.find((s) => s.id === item.id);
    if (!mine) {
      out.push({ ...item });
    } else if (mine.answeredBy === "analyst") {
      // A person's tick or untick is never overridden by a scan.
      continue;
    } else if (item.done && !mine.done) {
      Object.assign(mine, item);
    } else if (item.done && mine.done && item.answeredBy === "evidence") {
      mine.findings = union(mine.findings ?? [], item.findings ?? []);
    }
  }
  return out;
}

/**
 * The stored incident widened by the incoming one: findings and entities unioned, first/last seen
 * widened, the graver severity and priority, the wider decision. Identity, status, title, assignee
 * and analysts' checklist answers stay as they were.
 */
export function mergeIncident(stored: Incident, incoming: Incident): Incident {
  const entities = unionEntities(stored.entities, incoming.entities);
  const count = (kind: EntityKind): number => entities[kind]?.length ?? 0;
  const decision =
    incoming.decision && (!stored.decision || (stored.decision.outcome === "single" && incoming.decision.outcome === "multi"))
      ? incoming.decision
      : stored.decision;
  const merged: Incident = {
    ...stored,
    severity: severityRank(incoming.severity) > severityRank(stored.severity) ? incoming.severity : stored.severity,
    confidence: Math.max(stored.confidence, incoming.confidence),
    firstSeen: earlier(stored.firstSeen, incoming.firstSeen),
    lastSeen: later(stored.lastSeen, incoming.lastSeen),
    findingIds: union(stored.findingIds, incoming.findingIds),
    entities,
    scope: {
      hosts: Math.max(stored.scope.hosts, incoming.scope.hosts, count("hosts")),
      instances: Math.max(stored.scope.instances, incoming.scope.instances, count("instances")),
      regions: Math.max(stored.scope.regions, incoming.scope.regions, count("regions")),
      accounts: Math.max(stored.scope.accounts, incoming.scope.accounts, count("accounts")),
      clusters: Math.max(stored.scope.clusters, incoming.scope.clusters, count("clusters")),
    },
    environment: stored.environment === incoming.environment ? stored.environment : "hybrid",
    triggers: union(stored.triggers, incoming.triggers),
    hostType: stored.hostType === "unknown" ? incoming.hostType : stored.hostType,
    priority: PRIORITIES.indexOf(incoming.priority) < PRIORITIES.indexOf(stored.priority) ? incoming.priority : stored.priority,
    escalations: [...stored.escalations, ...incoming.escalations.filter((e) => !stored.escalations.some((s) => s.id === e.id))],
    checklist: mergeChecklist(stored.checklist, incoming.checklist),
  };
  if (decision) merged.decision = decision;
  const billing = Math.max(stored.billingUsd ?? 0, incoming.billingUsd ?? 0);
  if (stored.billingUsd !== undefined || incoming.billingUsd !== undefined) merged.billingUsd = billing;
  if (stored.sample === true && incoming.sample === true) merged.sample = true;
  else delete merged.sample;
  return merged;
}

/** Billing impact of a set of findings: the sum of their "billing.usd" facts, undefined when none has one. */
export function billingFromFindings(facts: readonly (Record<string, string | number | boolean> | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const f of facts) {
    const v = f?.["billing.usd"];
    if (typeof v === "number" && Number.isFinite(v)) total = (total ?? 0) + v;
  }
  return total;
}
