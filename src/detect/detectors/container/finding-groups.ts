import type { Entities, Evidence } from "../../../model/index.js";
import type { DetectorDraft } from "../../types.js";
import { MAX_EVIDENCE } from "../../../model/index.js";
import { mergeEntities } from "../common.js";

/**
 * One finding per thing, however many records repeat it: Falco fires on every exec of a miner, and a
 * Deployment's ReplicaSet and Pods are audited one by one. Records with the same key fold into one
 * draft (evidence appended up to MAX_EVIDENCE and counted beyond, entities merged, time span widened)
 * and are emitted at flush(), or on a stream by flushIdle() once event time has passed them. Past `maxGroups`
 * keys a new key is emitted at once as its own finding: memory stays bounded and nothing is lost, only
 * folding stops.
 */
export const MAX_GROUPS = 10_000;
/** Values kept per entity kind in a folded finding (a DaemonSet on 5,000 nodes names 5,000 pods). */
export const MAX_ENTITY_VALUES = 200;

export class FindingGroups {
  private readonly groups = new Map<string, { draft: DetectorDraft; strength: number }>();

  constructor(private readonly emit: (draft: DetectorDraft) => void, private readonly maxGroups = MAX_GROUPS) {}

  /**
   * Add one record's draft (with exactly one evidence). When the key exists, the stronger draft's
   * title, severity, confidence and facts win (strength defaults to confidence; ties keep the
   * first), and the rest is merged.
   */
  add(key: string, draft: DetectorDraft, strength = draft.confidence): void {
    const group = this.groups.get(key);
    if (!group) {
      if (this.groups.size >= this.maxGroups) { this.emit(draft); return; }
      this.groups.set(key, { draft: { ...draft, evidence: [...draft.evidence], evidenceCount: draft.evidence.length }, strength });
      return;
    }
    const existing = group.draft;
    const evidence: Evidence[] = existing.evidence.length < MAX_EVIDENCE ? [...existing.evidence, ...draft.evidence] : existing.evidence;
    const stronger = strength > group.strength;
    const base = stronger ? draft : existing;
    const observables = [...existing.observables];
    for (const o of draft.observables) if (!observables.some((x) => x.type === o.type && x.value === o.value)) observables.push(o);
    const merged: DetectorDraft = {
      ...base,
      // The finding id hashes the first evidence: keep the first record's, so the id does not depend on which was stronger.
      ...(existing.key !== undefined ? { key: existing.key } : {}),
      evidence: evidence.slice(0, MAX_EVIDENCE),
      evidenceCount: (existing.evidenceCount ?? existing.evidence.length) + draft.evidence.length,
      entities: capEntities(mergeEntities(existing.entities, draft.entities)),
      observables: observables.slice(0, 200),
      firstSeen: minTime(existing.firstSeen, draft.firstSeen),
      lastSeen: maxTime(existing.lastSeen, draft.lastSeen),
      tags: [...new Set([...(existing.tags ?? []), ...(draft.tags ?? [])])],
    };
    this.groups.set(key, { draft: merged, strength: Math.max(strength, group.strength) });
  }

  flush(): void {
    for (const { draft } of this.groups.values()) this.emit(draft);
    this.groups.clear();
  }

  /** Emit and forget the groups whose latest record is older than the watermark (a record of the key seen later merges into the same fact). */
  flushIdle(watermarkMs: number): void {
    for (const [key, { draft }] of this.groups) {
      const last = Date.parse(draft.lastSeen);
      if (Number.isFinite(last) && last < watermarkMs) {
        this.groups.delete(key);
        this.emit(draft);
      }
    }
  }
}

function capEntities(e: Entities): Entities {
  const out: Entities = {};
  for (const [kind, values] of Object.entries(e) as [keyof Entities, string[] | undefined][]) if (values) out[kind] = values.slice(0, MAX_ENTITY_VALUES);
  return out;
}

/** Earliest of two ISO times; an empty string (no time known) never wins. */
function minTime(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return b < a ? b : a;
}

function maxTime(a: string, b: string): string {
  return b > a ? b : a;
}
