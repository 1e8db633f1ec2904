import { createHash } from "node:crypto";
import type { z } from "zod";
import type { EntitiesSchema, FindingSchema, ObservableSchema } from "./schemas.js";
import { flat, type Evidence } from "./event.js";
import { counterpartKey, isEndpointObservable, poolCounterpart, type PoolCounterpart } from "./pool-endpoints.js";

/** Severity scale shared with Sigma levels and OCSF severity names. */
export const SEVERITIES = ["informational", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * PB-31's detection flow names three sources (Host-based, Network-based, Billing-based); the
 * triggers line adds provider alerts. Every finding says which of these it is.
 */
export const TRIGGERS = ["host", "network", "billing", "cloud-alert", "cloud-activity", "container"] as const;
export type Trigger = (typeof TRIGGERS)[number];

/**
 * The things a finding is about. Correlation joins findings that share one of these.
 * All values are plain strings as they appeared in the logs (normalised to lower case for
 * hosts and domains by the detectors that emit them).
 */
export type Entities = z.infer<typeof EntitiesSchema>;
export type EntityKind = keyof Entities;

/** Indicators worth exporting (STIX, blocklists): what the analyst blocks or hunts for. */
export const OBSERVABLE_TYPES = [
  "domain", "ip", "port", "url", "process", "file", "hash", "command-line", "wallet",
  "instance", "access-key", "user", "image", "finding-type", "instance-type", "user-agent",
] as const;
export type Observable = z.infer<typeof ObservableSchema>;

/**
 * Kinds of evidence. An incident's confidence combines kinds, not rules: a DNS lookup, a flow, a payload,
 * a process and a provider alert are independent ways of seeing mining; a built-in detector and a Sigma
 * rule reading the same DNS record are one kind seen twice (docs/confidence.md).
 */
export const EVIDENCE_KINDS = [
  "dns", "flow", "payload", "process", "file", "persistence", "metric", "billing",
  "cloud-alert", "cloud-activity", "container-alert", "workload", "sensor-alert",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export type Finding = z.infer<typeof FindingSchema>;

/** Below this a finding is a weak signal (a port alone, a CPU spike alone): it joins incidents but never opens one. */
export const WEAK_CONFIDENCE = 0.4;
/** The most pointers a detector collects for one draft before the engine samples them. */
export const MAX_EVIDENCE = 20;

/** What a detector hands over; id and evidenceCount are filled in by makeFinding. */
export type FindingDraft = Omit<Finding, "id" | "evidenceCount" | "mitre"> & {
  evidenceCount?: number;
  mitre?: string[];
  /**
   * Extra text that makes the id unique when one rule fires on several things in one record, or the strength
   * class of a network finding (port only, pool-shaped sessions...): endpoints of one class are one fact.
   */
  key?: string;
  /**
   * How a network finding reads once it covers several pool endpoints ("{n}" is their number;
   * model/pool-endpoints.ts). Not kept on the finding.
   */
  manyEndpoints?: { title: string; description?: string };
};

/**
 * A finding is one fact: one rule, one subject (its entities), one counterpart (its observables), plus the
 * detector's own `key` where one rule states several facts about the same pair (a billing spike per day).
 * The id is a hash of that and nothing else, so the same fact seen in a thousand records, in any order,
 * in any file, is one finding (model/fact.ts merges the repeats).
 *
 * For network evidence the counterpart is the pool (model/pool-endpoints.ts): its domain when it has one,
 * else "an unnamed pool"; the endpoints' addresses and ports are counted on the finding, not keyed.
 */
export function factKey(draft: FindingDraft, pool: PoolCounterpart | undefined = poolCounterpart(draft)): string {
  const parts: string[] = [draft.rule.id, draft.key ?? ""];
  for (const [kind, values] of Object.entries(draft.entities)) {
    if (!values || values.length === 0) continue;
    parts.push(kind === "pools" && pool ? counterpartKey(pool) : `${kind}=${[...values].sort().join(",")}`);
  }
  const observables = pool ? draft.observables.filter((o) => !isEndpointObservable(o, pool)) : draft.observables;
  parts.push(observables.map((o) => `${o.type}=${o.value}`).sort().join("\n"));
  return parts.join("\0");
}

export function findingId(factKeyText: string): string {
  return flat(`f-${createHash("sha256").update(factKeyText).digest("hex").slice(0, 20)}`);
}

/** The technique of every finding that names none: T1496, resource hijacking. */
export const DEFAULT_MITRE: readonly string[] = ["T1496"];

/** Turn a draft into a Finding with a stable id and a bounded evidence sample. */
export function makeFinding(draft: FindingDraft, key: string = factKey(draft), id: string = findingId(key)): Finding {
  // Every field named, in the schema's order (no spread of the draft): findings live for the whole scan, and
  // a copy by spread gave each one a hidden class of its own (megabytes of them in an outbreak).
  const finding: Finding = {
    id,
    rule: draft.rule,
    title: flat(draft.title),
    trigger: draft.trigger,
    severity: draft.severity,
    confidence: draft.confidence,
    firstSeen: draft.firstSeen,
    lastSeen: draft.lastSeen,
    entities: draft.entities,
    // A copy of exactly its length: detectors grow these lists by push, which leaves room for 17 values.
    observables: draft.observables.slice(),
    evidence: sampleEvidence(draft.evidence),
    evidenceCount: draft.evidenceCount ?? draft.evidence.length,
    mitre: draft.mitre ?? [...DEFAULT_MITRE],
  };
  if (draft.description !== undefined) finding.description = flat(draft.description);
  if (draft.kind !== undefined) finding.kind = draft.kind;
  if (draft.bytes !== undefined) finding.bytes = draft.bytes;
  if (draft.packets !== undefined) finding.packets = draft.packets;
  if (draft.sample !== undefined) finding.sample = draft.sample;
  if (draft.facts !== undefined) finding.facts = draft.facts;
  if (draft.tags !== undefined) finding.tags = draft.tags;
  return finding;
}

/** How many of a fact's records are kept as pointers: the earliest few, then the latest one. */
export const EVIDENCE_FIRST = 5;

/** Instants, not strings: "…07Z" is before "…07.500Z". Records without a time sort first. */
function compareTimes(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  // The same layout (the usual case: one source, one format) compares as text without parsing.
  if (a !== undefined && b !== undefined && a.length === b.length && a.endsWith("Z") && b.endsWith("Z")) return a < b ? -1 : 1;
  const x = a ? Date.parse(a) : Number.NEGATIVE_INFINITY, y = b ? Date.parse(b) : Number.NEGATIVE_INFINITY;
  if (Number.isNaN(x) || Number.isNaN(y)) return (a ?? "").localeCompare(b ?? "");
  return x - y || (a ?? "").localeCompare(b ?? "");
}

/** Order evidence by time, then file and position, so a sample does not depend on reading order. */
export function compareEvidence(a: Evidence, b: Evidence): number {
  return compareTimes(a.time, b.time) || a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) || (a.offset ?? 0) - (b.offset ?? 0) || (a.packet ?? 0) - (b.packet ?? 0);
}

/** Two pointers at the same record. */
export const sameRecord = (a: Evidence, b: Evidence): boolean =>
  a.file === b.file && a.line === b.line && a.offset === b.offset && a.packet === b.packet && a.time === b.time;

/** The earliest EVIDENCE_FIRST pointers and the latest one, each record once. */
export function sampleEvidence(evidence: readonly Evidence[]): Evidence[] {
  if (evidence.length <= 1) return [...evidence];
  const sorted = [...evidence].sort(compareEvidence);
  const unique: Evidence[] = [];
  for (const e of sorted) if (!unique.length || !sameRecord(unique[unique.length - 1]!, e)) unique.push(e);
  // Copies of exactly their length (slice, concat): a sample lives as long as its finding, and an array grown by
  // push or built by a spread with more after it leaves room for 17 pointers.
  if (unique.length <= EVIDENCE_FIRST + 1) return unique.slice();
  return unique.slice(0, EVIDENCE_FIRST).concat(unique[unique.length - 1]!);
}

/**
 * `sample` (already a sample) with one more pointer. The common case costs two comparisons: a record later
 * than the sample's latest replaces it; one between the earliest few and the latest changes nothing.
 */
export function addToSample(sample: readonly Evidence[], e: Evidence): Evidence[] {
  if (sample.length <= EVIDENCE_FIRST) return sampleEvidence([...sample, e]);
  const last = sample[sample.length - 1]!;
  if (compareEvidence(e, last) > 0) return sample.slice(0, -1).concat(e);
  if (compareEvidence(e, sample[EVIDENCE_FIRST - 1]!) > 0) return sample as Evidence[];
  return sampleEvidence([...sample, e]);
}

/** Whether every pointer of `more` is already in `sample` (the same record handed over twice adds nothing). */
export function alreadySampled(sample: readonly Evidence[], more: readonly Evidence[]): boolean {
  return more.length > 0 && more.every((e) => sample.some((s) => sameRecord(s, e)));
}

/**
 * Independent evidence agreeing: the strongest finding of each kind of evidence counts once, and the
 * chance that all of them are wrong is the product of their doubts. Many findings of one kind (a
 * built-in detector and a Sigma rule on one DNS record, two lookups of one pool) add nothing.
 */
export function combinedConfidence(findings: readonly Finding[]): number {
  const bestPerKind = new Map<string, number>();
  for (const f of findings) {
    const kind = evidenceKindOf(f);
    bestPerKind.set(kind, Math.max(bestPerKind.get(kind) ?? 0, f.confidence));
  }
  let doubt = 1;
  for (const c of bestPerKind.values()) doubt *= 1 - c;
  return Math.min(0.99, Math.round((1 - doubt) * 1000) / 1000);
}

const KIND_BY_TRIGGER: Readonly<Record<Trigger, EvidenceKind>> = {
  host: "process", network: "flow", billing: "billing", "cloud-alert": "cloud-alert",
  "cloud-activity": "cloud-activity", container: "container-alert",
};

/** A finding's kind of evidence; findings stored before kinds existed fall back on their trigger. */
export function evidenceKindOf(f: Pick<Finding, "kind" | "trigger">): EvidenceKind {
  return f.kind ?? KIND_BY_TRIGGER[f.trigger];
}

export type { Evidence };
