import type { Entities, Event, Evidence, Observable, Severity } from "../../../model/index.js";
import type { DetectorDraft } from "../../types.js";
import { EVIDENCE_FIRST, MAX_EVIDENCE, addToSample, compareEvidence, provenance, type FindingTag } from "../../../model/index.js";
import { addEntitiesInto, mergeEntities, timeOf } from "../common.js";

/**
 * Building blocks the host and network detectors share: a map that cannot grow without bound, and an
 * aggregate that turns many records about one thing (one process, one (client, domain) pair) into one
 * finding with true counts, first/last seen and a capped list of evidence.
 */

/**
 * A Map with a hard size cap. When a new key would exceed the cap, the least recently touched entry is
 * handed to `onEvict` and removed: detectors pass a callback that emits the evicted aggregate as a finding
 * early, so a flood of distinct keys costs output, never unbounded memory, and never loses a detection.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private cursor: IterableIterator<[K, V]> | undefined;
  /**
   * The key inserted last, so the last in the map's order: touching it again moves nothing. Records of one key
   * mostly come in runs (one host's file), and a delete and re-insert per record was a detector's top cost.
   * Once deleted it can only come back through set(), which makes it the newest again.
   */
  private newest: K | undefined;
  private hasNewest = false;

  constructor(
    readonly maxSize: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`BoundedMap size must be a positive integer, got ${maxSize}`);
  }

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Read without touching (no change to eviction order). */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** The value for `key`, created (and the oldest entry evicted if full) when absent. Touches the key. */
  getOrCreate(key: K, create: () => V): V {
    const existing = this.map.get(key);
    if (existing !== undefined) {
      if (this.hasNewest && this.newest === key) return existing;
      // Re-insert so Map iteration order is least-recently-touched first.
      this.map.delete(key);
      this.map.set(key, existing);
      this.newest = key;
      this.hasNewest = true;
      return existing;
    }
    const value = create();
    this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.maxSize) this.evictOldest();
    this.map.set(key, value);
    this.newest = key;
    this.hasNewest = true;
  }

  delete(key: K): V | undefined {
    const v = this.map.get(key);
    this.map.delete(key);
    return v;
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  /** Remove the entries `idle` says are done, handing each to `visit` (used by flush() on a stream). */
  drainWhere(idle: (value: V) => boolean, visit: (key: K, value: V) => void): void {
    const done: [K, V][] = [];
    for (const entry of this.map.entries()) if (idle(entry[1])) done.push(entry);
    for (const [k, v] of done) { this.map.delete(k); visit(k, v); }
  }

  /** Remove every entry, handing each to `visit` (used by finish()). */
  drain(visit: (key: K, value: V) => void): void {
    const all = [...this.map.entries()];
    this.map.clear();
    this.cursor = undefined;
    for (const [k, v] of all) visit(k, v);
  }

  /**
   * Evict the least recently touched entry. A Map keeps deleted slots until it rehashes, so asking a fresh
   * iterator for the first entry after many evictions walks every hole first (quadratic under churn: 200,000
   * distinct keys through a 5,000-entry map took 20 s). One iterator kept across evictions walks each slot
   * once: everything before it was evicted, and a touched entry moves to the end, after it.
   */
  private evictOldest(): void {
    let next = this.cursor?.next();
    if (!next || next.done) {
      this.cursor = this.map.entries();
      next = this.cursor.next();
    }
    if (next.done) return;
    const [k, v] = next.value;
    this.map.delete(k);
    this.onEvict(k, v);
  }
}

/** Most observables kept on one finding: enough to block and hunt, bounded against hostile input. */
export const MAX_OBSERVABLES = 64;

/**
 * Many records about one thing, folded into what a finding needs. Times are compared as instants
 * (Date.parse) so "…07Z" and "…07.000Z" order correctly; the text kept is the record's own.
 */
export class Aggregate {
  count = 0;
  firstSeen = "";
  lastSeen = "";
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  /**
   * Pointers at the records, always the sample a finding keeps (the earliest few and the latest,
   * model/finding.ts sampleEvidence): the same whatever order the records came in.
   */
  evidence: Evidence[] = [];
  entities: Entities = {};
  readonly observables: Observable[] = [];

  /**
   * Count one record: its time, where it is (evidence, sampled), and what it names. The summary and the
   * entities may be given as functions: they are then built only for a record the sample keeps and for the
   * first MAX_EVIDENCE records (most records of a busy key are neither, and building them was most of the
   * garbage a detector made per record).
   */
  add(event: Event, summary: string | (() => string), entities: Entities | (() => Entities)): void {
    this.count++;
    this.noteTime(timeOf(event));
    this.keep(event, summary);
    // Entities are merged only while evidence is still being kept: the first records name the
    // machine; later ones of the same key name the same machine, and merging forever would let one
    // key collect unbounded lists.
    if (this.count <= MAX_EVIDENCE) {
      const more = typeof entities === "function" ? entities() : entities;
      if (this.shared) this.entities = mergeEntities(this.entities, more);
      else addEntitiesInto(this.entities, more);
    }
  }

  /**
   * Set once a draft has been given this aggregate's evidence and entities (draftFromAggregate): from then on
   * they are replaced, never changed in place, so a finding made from them does not change under it.
   */
  private shared = false;

  /** The evidence and entities, for a draft: marks them as shared. */
  handOut(): { evidence: Evidence[]; entities: Entities } {
    this.shared = true;
    return { evidence: this.evidence, entities: this.entities };
  }

  /**
   * Put a record's pointer into the sample if it belongs there; its summary is built only then, and the kept
   * pointer is built whole, summary included (provenance: its fields in the object itself).
   */
  private keep(event: Event, summary: string | (() => string)): void {
    const pointer = provenance(event);
    const sample = this.evidence;
    const last = sample.length - 1;
    const text = (): string => (typeof summary === "string" ? summary : summary());
    // The usual case, a record later than the sample's latest (records mostly come in time order), takes the
    // latest's place in the array itself: no new array per record (addToSample's first rule, in place).
    if (!this.shared && sample.length > EVIDENCE_FIRST && compareEvidence(pointer, sample[last]!) > 0) {
      sample[last] = provenance(event, text());
      return;
    }
    const next = addToSample(sample, pointer);
    // A kept record makes a new array (addToSample returns the sample itself only when it keeps nothing).
    const at = next.indexOf(pointer);
    if (at !== -1) next[at] = provenance(event, text());
    this.evidence = next;
  }

  noteTime(time: string): void {
    if (!time) return;
    const ms = Date.parse(time);
    if (Number.isNaN(ms)) {
      if (!this.firstSeen) this.firstSeen = time;
      if (!this.lastSeen) this.lastSeen = time;
      return;
    }
    if (ms < this.firstMs) { this.firstMs = ms; this.firstSeen = time; }
    if (ms > this.lastMs) { this.lastMs = ms; this.lastSeen = time; }
  }

  /**
   * Add observables, deduplicated, up to MAX_OBSERVABLES (the rest are the same kind of thing again). A scan of
   * the short list, not a Set of keys: one aggregate is kept per key, thousands of them.
   */
  observe(list: readonly Observable[]): void {
    const kept = this.observables;
    for (const o of list) {
      if (kept.length >= MAX_OBSERVABLES) return;
      if (!hasObservable(kept, o)) kept.push(o);
    }
  }

  /** Event time of the latest record (ms), -Infinity when none had a readable time. */
  get lastTimeMs(): number {
    return this.lastMs;
  }

  /** Whether the latest record is older than the watermark: the window of this aggregate can close. */
  idleBefore(watermarkMs: number): boolean {
    return Number.isFinite(this.lastMs) && this.lastMs < watermarkMs;
  }

  /** Milliseconds between the first and last record with a readable time (0 when fewer than two). */
  spanMs(): number {
    return Number.isFinite(this.firstMs) && Number.isFinite(this.lastMs) ? this.lastMs - this.firstMs : 0;
  }
}

function hasObservable(list: readonly Observable[], o: Observable): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!.type === o.type && list[i]!.value === o.value) return true;
  return false;
}

/**
 * One scale from confidence to severity for every built-in detector, so the same certainty reads the
 * same everywhere. "critical" is left to incidents, where independent signals agree.
 */
export function severityFor(confidence: number): Severity {
  if (confidence >= 0.75) return "high";
  if (confidence >= 0.5) return "medium";
  if (confidence >= 0.3) return "low";
  return "informational";
}

/** Round a confidence for output (0.950000001 reads badly in a report). */
export function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

/** Add one value to an entity list, deduplicated (for pools, which entitiesOf cannot know). */
export function addEntity(entities: Entities, kind: keyof Entities, value: string | undefined): void {
  if (!value) return;
  const list = entities[kind];
  // A literal for a new list: exactly one value's room (common.ts add).
  if (!list) entities[kind] = [value];
  else if (!list.includes(value) && list.length < MAX_OBSERVABLES) list.push(value);
}

/** What a detector adds to an aggregate to make it a finding. */
export interface DraftFields {
  title: string;
  description?: string;
  trigger: DetectorDraft["trigger"];
  confidence: number;
  facts?: Record<string, string | number | boolean>;
  tags?: FindingTag[];
  /** ATT&CK techniques (default T1496 alone). */
  mitre?: string[];
  /** Makes the finding id unique when one record proves several things for one rule, or names a network finding's strength class. */
  key?: string;
  /** How a network finding reads once it covers several pool endpoints (model/pool-endpoints.ts). */
  manyEndpoints?: DetectorDraft["manyEndpoints"];
  /** The kind of evidence, when it differs from the detector's own. */
  kind?: DetectorDraft["kind"];
  /** Traffic behind it, where the records say. */
  bytes?: number;
  packets?: number;
}

/** A finding draft from an aggregate: true count, first/last seen, capped evidence, merged entities. */
export function draftFromAggregate(rule: { id: string; title: string }, agg: Aggregate, fields: DraftFields): DetectorDraft {
  const confidence = roundConfidence(fields.confidence);
  const kept = agg.handOut();
  const draft: DetectorDraft = {
    rule: { id: rule.id, name: rule.title, kind: "detector" },
    title: fields.title,
    trigger: fields.trigger,
    severity: severityFor(confidence),
    confidence,
    firstSeen: agg.firstSeen,
    lastSeen: agg.lastSeen,
    entities: kept.entities,
    observables: agg.observables,
    evidence: kept.evidence,
    evidenceCount: agg.count,
  };
  if (fields.kind) draft.kind = fields.kind;
  if (fields.bytes !== undefined) draft.bytes = fields.bytes;
  if (fields.packets !== undefined) draft.packets = fields.packets;
  if (fields.description) draft.description = fields.description;
  if (fields.facts) draft.facts = fields.facts;
  if (fields.tags) draft.tags = fields.tags;
  if (fields.key) draft.key = fields.key;
  if (fields.manyEndpoints) draft.manyEndpoints = fields.manyEndpoints;
  if (fields.mitre) draft.mitre = fields.mitre;
  return draft;
}
