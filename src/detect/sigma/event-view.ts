/**
 * EventView: how compiled rules read one event. It turns field values into strings once, lowercases
 * them once, and parses JSON-text fields (CloudTrail requestParameters) once, however many rules ask.
 * One view is reused for every event of a run (reset() clears the caches), so a busy scan allocates
 * little.
 *
 * Coercion policy (docs/sigma.md): every value is compared as text. Numbers become their shortest
 * decimal form (4688 → "4688"), booleans "true"/"false", null and missing fields have no values, and
 * an array gives one value per element (a rule value matches if any element matches).
 */
import type { Event, FieldValue } from "../../model/index.js";

/**
 * Where a Sigma field is read from. Built once per rule field by the field mapping (field-map.ts).
 *   keys:  candidate event fields; the first one present is used.
 *   json:  path inside that field's JSON text ("aws.cloudtrail.request_parameters" → ["bucketName"]).
 *   index: element of an array field (auditd a0 → process.args[0]).
 */
export interface FieldRef {
  readonly id: string;
  readonly keys: readonly string[];
  readonly json?: readonly string[];
  readonly index?: number;
  /** Cache slot in EventView (refs are interned, so equal refs share it). */
  readonly slot: number;
  /** One key, no JSON path, no index: the common case, read directly. */
  readonly simple: boolean;
}

const interned = new Map<string, FieldRef>();

/** The one FieldRef for these keys / JSON path / index (shared by every rule that reads it). */
export function fieldRef(keys: readonly string[], json?: readonly string[], index?: number): FieldRef {
  const id = `${keys.join("|")}${json ? `>${json.join(".")}` : ""}${index !== undefined ? `[${index}]` : ""}`;
  let r = interned.get(id);
  if (!r) {
    const ref: { -readonly [K in keyof FieldRef]: FieldRef[K] } = { id, keys, slot: interned.size, simple: keys.length === 1 && !json && index === undefined };
    if (json) ref.json = json;
    if (index !== undefined) ref.index = index;
    r = ref;
    interned.set(id, r);
  }
  return r;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/** JSON texts longer than this are not parsed for path lookups (sources bound them to 16 KiB). */
const MAX_JSON_TEXT = 64 * 1024;

/** Fields that describe where a record came from, not what happened: keyword searches skip them. */
const KEYWORD_SKIP = new Set([
  "@timestamp", "log.file.path", "minerhunt.line", "minerhunt.offset", "minerhunt.packet", "minerhunt.format",
  "event.dataset", "event.kind", "event.category", "event.module",
]);

function scalarText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

/** Strings of one event value: scalars give one, arrays one per element, null/objects none. */
export function valueStrings(v: FieldValue | undefined): readonly string[] {
  if (v === undefined || v === null) return NO_VALUES;
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const e of v as readonly unknown[]) {
      const s = scalarText(e);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  const s = scalarText(v);
  return s === undefined ? NO_VALUES : [s];
}

/** Walk a parsed JSON value along a key path; arrays on the way are searched element by element. */
function jsonLookup(root: unknown, path: readonly string[], out: unknown[], depth = 0): void {
  if (depth === path.length) { out.push(root); return; }
  if (Array.isArray(root)) {
    for (const e of root) jsonLookup(e, path, out, depth);
    return;
  }
  if (root !== null && typeof root === "object") {
    const key = path[depth]!;
    if (Object.prototype.hasOwnProperty.call(root, key)) {
      jsonLookup((root as Record<string, unknown>)[key], path, out, depth + 1);
    }
  }
}

function jsonLeafStrings(values: unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const s = scalarText(v);
    if (s !== undefined) out.push(s);
    else if (v !== null && typeof v === "object") out.push(JSON.stringify(v));
  }
  return out;
}

export class EventView {
  event: Event = {};
  /**
   * Per-event caches indexed by FieldRef.slot. A slot is valid when its stamp equals `generation`,
   * so reset() costs nothing per field (no Map to clear).
   */
  private generation = 1;
  private textStamp: Uint32Array = new Uint32Array(256);
  private lowerStamp: Uint32Array = new Uint32Array(256);
  private readonly textValues: (readonly string[])[] = [];
  private readonly lowerValues: (readonly string[])[] = [];
  private readonly parsedJson = new Map<string, unknown>();
  private keywordTexts: readonly string[] | undefined;
  private keywordLower: readonly string[] | undefined;

  constructor(event?: Event) {
    if (event) this.event = event;
  }

  reset(event: Event): void {
    this.event = event;
    if (++this.generation === 0xffffffff) {
      this.generation = 1;
      this.textStamp.fill(0);
      this.lowerStamp.fill(0);
    }
    if (this.parsedJson.size > 0) this.parsedJson.clear();
    this.keywordTexts = undefined;
    this.keywordLower = undefined;
  }

  private static grow(stamps: Uint32Array, slot: number): Uint32Array {
    if (slot < stamps.length) return stamps;
    const bigger = new Uint32Array(Math.max(slot + 1, stamps.length * 2));
    bigger.set(stamps);
    return bigger;
  }

  /** The first candidate key present in the event (a key holding null counts as present). */
  private presentKey(ref: FieldRef): string | undefined {
    for (const k of ref.keys) if (this.event[k] !== undefined) return k;
    return undefined;
  }

  private json(key: string): unknown {
    if (this.parsedJson.has(key)) return this.parsedJson.get(key);
    let parsed: unknown = undefined;
    const text = this.event[key];
    if (typeof text === "string" && text.length <= MAX_JSON_TEXT) {
      try { parsed = JSON.parse(text) as unknown; } catch { parsed = undefined; }
    }
    this.parsedJson.set(key, parsed);
    return parsed;
  }

  /** `exists` semantics: the field is present, whatever its value (null and "" included). */
  exists(ref: FieldRef): boolean {
    const key = this.presentKey(ref);
    if (key === undefined) return false;
    if (ref.json) {
      const found: unknown[] = [];
      jsonLookup(this.json(key), ref.json, found);
      return found.length > 0;
    }
    if (ref.index !== undefined) {
      const v = this.event[key];
      return Array.isArray(v) ? ref.index < v.length : ref.index === 0 && v !== null;
    }
    return true;
  }

  private computeStrings(ref: FieldRef): readonly string[] {
    if (ref.simple) {
      const v = this.event[ref.keys[0]!];
      if (v === undefined) return NO_VALUES;
      return typeof v === "string" ? [v] : valueStrings(v);
    }
    const key = this.presentKey(ref);
    if (key === undefined) return NO_VALUES;
    if (ref.json) {
      const found: unknown[] = [];
      jsonLookup(this.json(key), ref.json, found);
      return jsonLeafStrings(found);
    }
    if (ref.index !== undefined) {
      const v = this.event[key];
      const all = valueStrings(v);
      const one = Array.isArray(v) ? all[ref.index] : ref.index === 0 ? all[0] : undefined;
      return one === undefined ? NO_VALUES : [one];
    }
    return valueStrings(this.event[key]);
  }

  /** The field's values as text, original case. */
  strings(ref: FieldRef): readonly string[] {
    const slot = ref.slot;
    if (slot < this.textStamp.length && this.textStamp[slot] === this.generation) return this.textValues[slot]!;
    const out = this.computeStrings(ref);
    this.textStamp = EventView.grow(this.textStamp, slot);
    this.textStamp[slot] = this.generation;
    this.textValues[slot] = out;
    return out;
  }

  /** The field's values lowercased (computed at most once per field per event). */
  lower(ref: FieldRef): readonly string[] {
    const slot = ref.slot;
    if (slot < this.lowerStamp.length && this.lowerStamp[slot] === this.generation) return this.lowerValues[slot]!;
    const texts = this.strings(ref);
    let out: readonly string[];
    if (texts.length === 0) out = NO_VALUES;
    else if (texts.length === 1) out = [texts[0]!.toLowerCase()];
    else out = texts.map((s) => s.toLowerCase());
    this.lowerStamp = EventView.grow(this.lowerStamp, slot);
    this.lowerStamp[slot] = this.generation;
    this.lowerValues[slot] = out;
    return out;
  }

  /** Whether a simple field is absent, without computing anything (the candidate index's fast path). */
  absent(ref: FieldRef): boolean {
    if (ref.simple) return this.event[ref.keys[0]!] === undefined;
    return this.presentKey(ref) === undefined;
  }

  /** Every value of the event that keyword searches look at, original case. */
  keywords(): readonly string[] {
    if (this.keywordTexts) return this.keywordTexts;
    const out: string[] = [];
    for (const key of Object.keys(this.event)) {
      if (KEYWORD_SKIP.has(key)) continue;
      for (const s of valueStrings(this.event[key])) out.push(s);
    }
    this.keywordTexts = out;
    return out;
  }

  keywordsLower(): readonly string[] {
    if (this.keywordLower) return this.keywordLower;
    this.keywordLower = this.keywords().map((s) => s.toLowerCase());
    return this.keywordLower;
  }
}

/** A FieldRef for one plain event field. */
export function directRef(key: string): FieldRef {
  return fieldRef([key]);
}
