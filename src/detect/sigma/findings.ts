/**
 * Sigma matches → FindingDrafts: severity from the rule's level, a confidence from level and status,
 * the PB-31 trigger from the logsource route, entities and observables from the event, and
 * evidence that points at the record.
 */
import { flowSides } from "../detectors/network/site.js";
import {
  provenance, type Entities, type EntityKind, type Event, type Evidence, type FindingDraft, type Observable,
  type Severity, type Trigger,
} from "../../model/index.js";
import { MAX_EVIDENCE } from "../../model/index.js";
import { evidenceKindOfEvent } from "../evidence-kind.js";
import type { CorrelationHit, CorrelationRecord } from "./correlation-run.js";
import { valueStrings } from "./event-view.js";
import type { CompiledCorrelationRule, CompiledDetectionRule, RuleMeta } from "./types.js";

/** Confidence of a hit by level (docs/sigma.md): low-level rules stay below WEAK_CONFIDENCE (0.4). */
const LEVEL_CONFIDENCE: Record<Severity, number> = {
  informational: 0.1, low: 0.3, medium: 0.5, high: 0.7, critical: 0.85,
};
/** How much the rule's maturity keeps of that. */
const STATUS_FACTOR: Record<string, number> = {
  stable: 1, test: 0.95, experimental: 0.85, deprecated: 0.7, unsupported: 0.6,
};

export function confidenceOf(meta: RuleMeta): number {
  const base = LEVEL_CONFIDENCE[meta.level ?? "medium"];
  const factor = meta.status ? STATUS_FACTOR[meta.status] ?? 0.9 : 0.9;
  return Math.round(base * factor * 1000) / 1000;
}

/** ATT&CK technique ids from `attack.tNNNN(.NNN)` tags. */
export function mitreOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i.exec(t);
    if (m) out.push(m[2] ? `T${m[1]}.${m[2]}` : `T${m[1]}`);
  }
  return [...new Set(out)];
}

const MAX_VALUES = 20;
const MAX_VALUE_LENGTH = 4096;

const ENTITY_FIELDS: readonly [EntityKind, string, boolean][] = [
  ["hosts", "host.name", true],
  ["ips", "host.ip", false],
  ["instances", "cloud.instance.id", false],
  ["accounts", "cloud.account.id", false],
  ["regions", "cloud.region", false],
  ["users", "user.name", false],
  ["accessKeys", "aws.cloudtrail.user_identity.access_key_id", false],
  ["clusters", "orchestrator.cluster.name", false],
  ["namespaces", "orchestrator.namespace", false],
  ["containers", "container.id", false],
  ["images", "container.image.name", false],
  ["providers", "cloud.provider", true],
];

function addValues(target: string[] | undefined, values: readonly string[]): string[] {
  // The usual new list of one value as a literal of exactly that size (a push onto [] reserves room for 17,
  // and these lists live as long as their finding).
  if (!target && values.length === 1 && values[0] !== "") return [values[0]!.slice(0, MAX_VALUE_LENGTH)];
  const out = target ?? [];
  for (const v of values) {
    if (v === "" || out.length >= MAX_VALUES) continue;
    if (!out.includes(v)) out.push(v.slice(0, MAX_VALUE_LENGTH));
  }
  return out;
}

export function entitiesOf(event: Event): Entities {
  const e: Entities = {};
  for (const [kind, field, lower] of ENTITY_FIELDS) {
    const values = valueStrings(event[field]);
    if (values.length === 0) continue;
    e[kind] = addValues(e[kind], lower ? values.map((v) => v.toLowerCase()) : values);
  }
  const type = event["orchestrator.resource.type"];
  if (type === undefined || type === "pods") {
    const pods = valueStrings(event["orchestrator.resource.name"]);
    if (pods.length) e.pods = addValues(e.pods, pods);
  }
  if (!e.providers) {
    const ds = event["event.dataset"];
    if (typeof ds === "string") {
      const p = ds.split(".")[0];
      if (p === "aws" || p === "azure" || p === "gcp") e.providers = [p];
    }
  }
  return e;
}

function first(event: Event, field: string): string | undefined {
  const v = valueStrings(event[field])[0];
  return v === undefined || v === "" ? undefined : v;
}

/**
 * Network records name no host, so the local side of the record stands for it (as the built-in
 * network detectors do): source.ip, or destination.ip when a public source talks to a private
 * destination or the record is a DNS answer (it belongs to the client that asked, never to the resolver:
 * the one rule of detectors/network/site.ts flowSides). For mining rules (attack.t1496) the remote side is
 * the pool: its name, or ip:port.
 */
export function networkEntities(event: Event, e: Entities, mining: boolean): Entities {
  const src = first(event, "source.ip");
  const dst = first(event, "destination.ip");
  const sides = flowSides(event);
  const reversed = src !== undefined && dst !== undefined && sides.local === dst && sides.local !== src;
  const local = reversed ? dst : src;
  if (local !== undefined) e.ips = addValues(e.ips, [local]);
  if (mining) {
    const names = ["dns.question.name", "destination.domain", "tls.client.server_name", "url.domain"]
      .map((f) => first(event, f)).filter((x): x is string => x !== undefined).map((x) => x.toLowerCase());
    const remote = reversed ? src : dst;
    const port = first(event, reversed ? "source.port" : "destination.port");
    const pools = [...names];
    if (remote !== undefined && port !== undefined && !event["dns.question.name"]) pools.push(remote.includes(":") ? `[${remote}]:${port}` : `${remote}:${port}`);
    if (pools.length) e.pools = addValues(e.pools, pools);
  }
  return e;
}

function ruleEntities(rule: CompiledDetectionRule, event: Event): Entities {
  const e = entitiesOf(event);
  if (rule.route?.trigger === "network") networkEntities(event, e, rule.meta.tags.includes("attack.t1496"));
  return e;
}

export function mergeEntities(into: Entities, from: Entities): void {
  for (const [k, v] of Object.entries(from) as [EntityKind, string[] | undefined][]) {
    if (v && v.length) into[k] = addValues(into[k], v);
  }
}

/** Which observable type an ECS field's values are. */
const OBSERVABLE_FIELDS: Readonly<Record<string, Observable["type"]>> = {
  "dns.question.name": "domain",
  "destination.domain": "domain",
  "url.domain": "domain",
  "tls.client.server_name": "domain",
  "destination.ip": "ip",
  "dns.resolved_ip": "ip",
  "destination.port": "port",
  "url.original": "url",
  "process.name": "process",
  "process.executable": "file",
  "file.path": "file",
  "process.command_line": "command-line",
  "process.parent.command_line": "command-line",
  "process.hash.sha256": "hash",
  "user_agent.original": "user-agent",
  "container.image.name": "image",
  "cloud.machine.type": "instance-type",
  "cloud.instance.id": "instance",
  "minerhunt.aws.created_access_key": "access-key",
  "user.name": "user",
  "minerhunt.stratum.login": "wallet",
  "minerhunt.miner.wallets": "wallet",
  "rule.name": "finding-type",
};
const MAX_OBSERVABLES = 50;

/** Observables from the fields a rule read (plus the process name for process rules). */
export function observablesOf(event: Event, fields: readonly string[]): Observable[] {
  const out: Observable[] = [];
  const seen = new Set<string>();
  const add = (field: string) => {
    const type = OBSERVABLE_FIELDS[field];
    if (!type) return;
    for (const v of valueStrings(event[field])) {
      if (v === "" || out.length >= MAX_OBSERVABLES) continue;
      const value = v.slice(0, MAX_VALUE_LENGTH);
      const k = `${type}\0${value}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ type, value });
    }
  };
  for (const f of fields) add(f);
  if (fields.some((f) => f.startsWith("process.")) && !fields.includes("process.name")) add("process.name");
  return out;
}

export function mergeObservables(into: Observable[], from: readonly Observable[]): void {
  for (const o of from) {
    if (into.length >= MAX_OBSERVABLES) return;
    if (!into.some((x) => x.type === o.type && x.value === o.value)) into.push(o);
  }
}

function summaryOf(title: string, observables: readonly Observable[]): string {
  const first = observables[0];
  const text = first ? `${title}: ${first.type} ${first.value}` : title;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export function timestampOf(event: Event): string {
  const t = event["@timestamp"];
  return typeof t === "string" ? t : "";
}

export function evidenceOf(event: Event, title: string, observables: readonly Observable[]): Evidence {
  return provenance(event, summaryOf(title, observables));
}

function ruleRef(meta: RuleMeta, key: string, kind: "sigma" | "sigma-correlation") {
  return { id: meta.id ?? key, name: meta.title, kind };
}

/** What every draft of one detection rule shares: built once per rule, not once per match. */
interface RuleShared {
  ref: FindingDraft["rule"];
  confidence: number;
  mitre: string[];
  description: string | undefined;
}
const sharedByRule = new WeakMap<CompiledDetectionRule, RuleShared>();

/**
 * The rule-level parts of a detection draft. The findings of one rule share these objects (a finding lives for
 * the whole scan, and an outbreak makes thousands of one rule); nothing changes them in place: merging
 * (model/fact.ts) replaces a finding's lists rather than growing them.
 */
function sharedOf(rule: CompiledDetectionRule): RuleShared {
  let shared = sharedByRule.get(rule);
  if (!shared) {
    shared = {
      ref: ruleRef(rule.meta, rule.key, "sigma"),
      confidence: confidenceOf(rule.meta),
      mitre: mitreOf(rule.meta.tags),
      description: rule.meta.description ? rule.meta.description.slice(0, 2000) : undefined,
    };
    sharedByRule.set(rule, shared);
  }
  return shared;
}

export function detectionDraft(rule: CompiledDetectionRule, event: Event): FindingDraft {
  const shared = sharedOf(rule);
  const observables = observablesOf(event, rule.fields);
  const evidence = evidenceOf(event, rule.meta.title, observables);
  const when = timestampOf(event);
  const draft: FindingDraft = {
    rule: shared.ref,
    title: rule.meta.title,
    trigger: rule.route?.trigger ?? "host",
    severity: rule.meta.level ?? "medium",
    confidence: shared.confidence,
    firstSeen: when,
    lastSeen: when,
    entities: ruleEntities(rule, event),
    observables,
    evidence: [evidence],
    mitre: shared.mitre,
    tags: rule.meta.tags,
  };
  if (shared.description !== undefined) draft.description = shared.description;
  draft.kind = evidenceKindOfEvent(event);
  return draft;
}

/** A detection match as input to correlations. */
export function recordOf(rule: CompiledDetectionRule, event: Event, t: number, groupKey: string, groupValues: Record<string, string>, value: string | undefined): CorrelationRecord {
  const observables = observablesOf(event, rule.fields);
  const rec: CorrelationRecord = {
    t, source: rule.key, groupKey, groupValues,
    evidence: [evidenceOf(event, rule.meta.title, observables)],
    evidenceCount: 1,
    entities: ruleEntities(rule, event),
    observables,
    trigger: rule.route?.trigger ?? "host",
  };
  if (value !== undefined) rec.value = value;
  return rec;
}

/** A correlation hit as input to an outer (chained) correlation. */
export function recordOfHit(hit: CorrelationHit, groupKey: string, groupValues: Record<string, string>, value: string | undefined): CorrelationRecord {
  const merged = mergeRecords(hit.records);
  const rec: CorrelationRecord = {
    t: hit.last, source: hit.rule.key, groupKey, groupValues,
    evidence: merged.evidence, evidenceCount: merged.evidenceCount,
    entities: merged.entities, observables: merged.observables, trigger: merged.trigger,
  };
  if (value !== undefined) rec.value = value;
  return rec;
}

function mergeRecords(records: readonly CorrelationRecord[]) {
  const evidence: Evidence[] = [];
  let evidenceCount = 0;
  const entities: Entities = {};
  const observables: Observable[] = [];
  for (const r of records) {
    for (const e of r.evidence) if (evidence.length < MAX_EVIDENCE) evidence.push(e);
    evidenceCount += r.evidenceCount;
    mergeEntities(entities, r.entities);
    mergeObservables(observables, r.observables);
  }
  const trigger: Trigger = records[0]?.trigger ?? "host";
  return { evidence, evidenceCount, entities, observables, trigger };
}

function iso(t: number): string {
  return Number.isFinite(t) && t > 0 ? new Date(t).toISOString() : "";
}

export function correlationDraft(rule: CompiledCorrelationRule, hit: CorrelationHit): FindingDraft {
  const merged = mergeRecords(hit.records);
  const facts: Record<string, string | number | boolean> = {
    "sigma.correlation.type": rule.spec.type,
    "sigma.correlation.value": hit.metric,
    "sigma.correlation.timespan": rule.spec.timespan,
  };
  for (const [k, v] of Object.entries(hit.groupValues)) facts[`sigma.group.${k}`] = v.slice(0, 256);
  const draft: FindingDraft = {
    rule: ruleRef(rule.meta, rule.key, "sigma-correlation"),
    title: rule.meta.title,
    trigger: merged.trigger,
    severity: rule.meta.level ?? "medium",
    confidence: confidenceOf(rule.meta),
    firstSeen: iso(hit.first),
    lastSeen: iso(hit.last),
    entities: merged.entities,
    observables: merged.observables,
    evidence: merged.evidence,
    evidenceCount: merged.evidenceCount,
    mitre: mitreOf(rule.meta.tags),
    tags: rule.meta.tags,
    facts,
    key: `${hit.groupKey}|${hit.first}`,
  };
  if (rule.meta.description) draft.description = rule.meta.description.slice(0, 2000);
  return draft;
}
