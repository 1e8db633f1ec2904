/**
 * Repeats of one fact add to one finding: count, first and last seen, bytes and packets, a bounded
 * evidence sample. The result does not depend on the order the repeats arrive in (file order, worker
 * order), so batch scans, streams and the store all merge with this one function.
 */
import type { Finding } from "./finding.js";
import { addToSample, alreadySampled, compareEvidence, sampleEvidence, severityRank } from "./finding.js";
import { addEntities } from "./entities.js";

/** Whether `a` was seen before `b` (by first time, then by its earliest evidence). */
function seenBefore(a: Finding, b: Finding): boolean {
  if (a.firstSeen && b.firstSeen && a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen;
  const ea = a.evidence[0], eb = b.evidence[0];
  if (ea && eb) return compareEvidence(ea, eb) < 0;
  return false;
}

const earliest = (a: string, b: string): string => (!a ? b : !b ? a : a < b ? a : b);
const latest = (a: string, b: string): string => (!a ? b : !b ? a : a > b ? a : b);

function unionList(first: readonly string[] | undefined, second: readonly string[] | undefined): string[] | undefined {
  if (!first?.length) return second ? [...second] : undefined;
  if (!second?.length) return [...first];
  const out = [...first];
  for (const v of second) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * Whether `current` already holds exactly unionList(first, second), value for value: the usual repeat adds no
 * tag or technique, and keeping the list then saves two new arrays per merged record.
 */
function holdsUnion(current: readonly string[] | undefined, first: readonly string[] | undefined, second: readonly string[] | undefined): boolean {
  if (!current) return false;
  const base = first?.length ? first : second;
  if (!base?.length) return false;
  let i = 0;
  for (const v of base) if (current[i++] !== v) return false;
  if (base === first && second) {
    for (const v of second) {
      if (first.includes(v) || current.slice(first.length, i).includes(v)) continue;
      if (current[i++] !== v) return false;
    }
  }
  return i === current.length;
}

/** unionList(first, second), or `current` itself when it already is that list. */
function mergedList(current: string[] | undefined, first: readonly string[] | undefined, second: readonly string[] | undefined): string[] | undefined {
  return holdsUnion(current, first, second) ? current : unionList(first, second);
}

/**
 * Facts that count records or traffic (per window, per pool endpoint): repeats of a fact add them up, as they
 * add evidenceCount, bytes and packets. Every other number keeps the largest value: peaks, ratios, distinct
 * counts (peers, regions, kill targets), and money at stake (an excess read from two exports counts once).
 */
export const SUMMED_FACTS: ReadonlySet<string> = new Set([
  "flow.count", "flow.sessions", "dns.count", "http.count", "tls.count", "records.count", "launch_errors.count",
  "network.bytes", "network.bytes_in", "network.bytes_out", "node.inbound",
]);

/** Merge `more` (the same fact seen again) into `into`, in place. Both carry the same id. */
export function mergeFinding(into: Finding, more: Finding): void {
  // The same record handed over twice (a file given twice, a detector re-emitting) is not a repeat.
  const duplicate = more.evidenceCount <= more.evidence.length && alreadySampled(into.evidence, more.evidence);
  const moreFirst = seenBefore(more, into);
  const [early, late] = moreFirst ? [more, into] : [into, more];
  if (!duplicate) {
    into.evidenceCount += more.evidenceCount;
    if (more.bytes !== undefined) into.bytes = (into.bytes ?? 0) + more.bytes;
    if (more.packets !== undefined) into.packets = (into.packets ?? 0) + more.packets;
  }
  into.evidence = more.evidence.length === 1 ? addToSample(into.evidence, more.evidence[0]!) : sampleEvidence([...into.evidence, ...more.evidence]);
  into.firstSeen = earliest(into.firstSeen, more.firstSeen);
  into.lastSeen = latest(into.lastSeen, more.lastSeen);
  into.confidence = Math.max(into.confidence, more.confidence);
  if (severityRank(more.severity) > severityRank(into.severity)) into.severity = more.severity;
  into.title = early.title;
  if (early.description !== undefined) into.description = early.description;
  addEntities(into.entities, more.entities);
  const tags = mergedList(into.tags, early.tags, late.tags);
  if (tags) into.tags = tags;
  into.mitre = mergedList(into.mitre, early.mitre, late.mitre) ?? [];
  if (more.facts) {
    const facts = { ...(into.facts ?? {}) };
    for (const [k, v] of Object.entries(more.facts)) {
      const mine = facts[k];
      if (mine === undefined) facts[k] = v;
      else if (typeof v === "number" && typeof mine === "number") facts[k] = SUMMED_FACTS.has(k) && !duplicate ? mine + v : Math.max(mine, v);
      else if (moreFirst) facts[k] = v;
    }
    into.facts = facts;
  }
  if (into.sample === true && more.sample !== true) delete into.sample;
  if (!into.kind && more.kind) into.kind = more.kind;
}
