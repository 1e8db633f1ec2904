import { createHash } from "node:crypto";
import { z } from "zod";
import type { Evidence } from "./event.js";

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
export const EntitiesSchema = z.object({
  hosts: z.array(z.string()).optional(),
  ips: z.array(z.string()).optional(),
  instances: z.array(z.string()).optional(),
  accounts: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  users: z.array(z.string()).optional(),
  accessKeys: z.array(z.string()).optional(),
  clusters: z.array(z.string()).optional(),
  namespaces: z.array(z.string()).optional(),
  pods: z.array(z.string()).optional(),
  containers: z.array(z.string()).optional(),
  images: z.array(z.string()).optional(),
  /** "aws" | "azure" | "gcp" */
  providers: z.array(z.string()).optional(),
  /** Mining pools as "domain" or "ip:port". */
  pools: z.array(z.string()).optional(),
});
export type Entities = z.infer<typeof EntitiesSchema>;
export type EntityKind = keyof Entities;

/** Indicators worth exporting (STIX, blocklists): what the analyst blocks or hunts for. */
export const OBSERVABLE_TYPES = [
  "domain", "ip", "port", "url", "process", "file", "hash", "command-line", "wallet",
  "instance", "access-key", "user", "image", "finding-type", "instance-type", "user-agent",
] as const;
export const ObservableSchema = z.object({
  type: z.enum(OBSERVABLE_TYPES),
  value: z.string(),
});
export type Observable = z.infer<typeof ObservableSchema>;

export const EvidenceSchema = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  offset: z.number().int().optional(),
  packet: z.number().int().optional(),
  summary: z.string().optional(),
});

export const FindingSchema = z.object({
  /** Stable id: the same proof found twice gives the same id (idempotent stores). */
  id: z.string(),
  /** Which rule or detector produced it. kind "sigma" for Sigma rules, "detector" for built-ins. */
  rule: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["detector", "sigma", "sigma-correlation"]),
  }),
  title: z.string(),
  description: z.string().optional(),
  trigger: z.enum(TRIGGERS),
  severity: z.enum(SEVERITIES),
  /** 0..1: how sure this one signal is that mining happens. Below WEAK_CONFIDENCE it cannot open an incident alone. */
  confidence: z.number().min(0).max(1),
  firstSeen: z.string(),
  lastSeen: z.string(),
  entities: EntitiesSchema,
  observables: z.array(ObservableSchema),
  /** Up to MAX_EVIDENCE pointers at the records that prove it; evidenceCount says how many there were. */
  evidence: z.array(EvidenceSchema),
  evidenceCount: z.number().int(),
  mitre: z.array(z.string()),
  /** Provider sample findings (GuardDuty "sample": true, Defender "SIMULATED_") are marked, never hidden. */
  sample: z.boolean().optional(),
  /** Numbers and flags the playbook reads: billing.usd, cpu.pct, gpu.pct, instances.launched, ... */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  tags: z.array(z.string()).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** Below this a finding is a weak signal (a port alone, a CPU spike alone): it joins incidents but never opens one. */
export const WEAK_CONFIDENCE = 0.4;
export const MAX_EVIDENCE = 20;

/** What a detector hands over; id and evidenceCount are filled in by makeFinding. */
export type FindingDraft = Omit<Finding, "id" | "evidenceCount" | "mitre"> & {
  evidenceCount?: number;
  mitre?: string[];
  /** Extra text that makes the id unique when one rule fires on several things in one record. */
  key?: string;
};

/** Turn a draft into a Finding with a stable id and bounded evidence. */
export function makeFinding(draft: FindingDraft): Finding {
  const { key, ...rest } = draft;
  const evidence = draft.evidence.slice(0, MAX_EVIDENCE);
  const first = draft.evidence[0];
  const hash = createHash("sha256")
    .update(draft.rule.id).update("\0")
    .update(key ?? "").update("\0")
    .update(first ? `${first.file}:${first.line ?? ""}:${first.offset ?? ""}:${first.packet ?? ""}` : "")
    .update("\0")
    .update(draft.observables.map((o) => `${o.type}=${o.value}`).sort().join("\n"))
    .digest("hex");
  return {
    ...rest,
    id: `f-${hash.slice(0, 20)}`,
    evidence,
    evidenceCount: draft.evidenceCount ?? draft.evidence.length,
    mitre: draft.mitre ?? ["T1496"],
  };
}

/**
 * Independent signals agreeing: the strongest finding of each rule counts once, and the chance that
 * all of them are wrong is the product of their doubts. Many findings of one rule add nothing.
 */
export function combinedConfidence(findings: readonly Finding[]): number {
  const bestPerRule = new Map<string, number>();
  for (const f of findings) bestPerRule.set(f.rule.id, Math.max(bestPerRule.get(f.rule.id) ?? 0, f.confidence));
  let doubt = 1;
  for (const c of bestPerRule.values()) doubt *= 1 - c;
  return Math.min(0.99, Math.round((1 - doubt) * 1000) / 1000);
}

export type { Evidence };
