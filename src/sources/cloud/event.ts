/**
 * Building flat Events: the provenance every event carries, and a setter that keeps empty values
 * out (an absent field and an empty one mean the same to a detector; only one should exist).
 */
import type { Event } from "../../model/index.js";
import { asNumber, asString, stringList } from "./values.js";

export interface Origin {
  /** log.file.path */
  path: string;
  /** minerhunt.line */
  line: number;
  /** minerhunt.format: the source id */
  format: string;
}

export interface Kind {
  dataset: string;
  kind: "event" | "alert" | "metric" | "state";
  category: string[];
}

/** A new event with provenance and classification filled in. */
export function newEvent(origin: Origin, kind: Kind): Event {
  return {
    "log.file.path": origin.path,
    "minerhunt.line": origin.line,
    "minerhunt.format": origin.format,
    "event.dataset": kind.dataset,
    "event.kind": kind.kind,
    "event.category": kind.category,
  };
}

/** Set a text field when the value is a non-empty string (or a number, given as text). */
export function setStr(e: Event, field: string, v: unknown): void {
  const s = asString(v);
  if (s !== undefined) e[field] = s;
}

/** Set a text field only when it is not set yet (a fallback source for the same fact). */
export function setStrIfAbsent(e: Event, field: string, v: unknown): void {
  if (e[field] === undefined) setStr(e, field, v);
}

export function setNum(e: Event, field: string, v: unknown): void {
  const n = asNumber(v);
  if (n !== undefined) e[field] = n;
}

export function setBool(e: Event, field: string, v: unknown): void {
  if (typeof v === "boolean") e[field] = v;
}

/**
 * Set a field to a list of strings: one value stays a plain string unless `alwaysArray` (fields the
 * contract defines as arrays, such as `cloud.instance.id` or `container.image.name` of an audit event).
 */
export function setList(e: Event, field: string, values: unknown[], alwaysArray = false): void {
  const list = stringList(...values);
  if (list.length === 0) return;
  e[field] = alwaysArray || list.length > 1 ? list : list[0]!;
}
