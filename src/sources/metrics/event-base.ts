/**
 * The fields every event carries (docs/events.md, "On every event"), built in one place so no source
 * forgets its provenance. Shared by the host, metrics and billing sources.
 */
import type { Event } from "../../model/index.js";

export type EventKind = "event" | "alert" | "metric" | "state";

export interface Origin {
  /** Input path as given ("-" for stdin). */
  path: string;
  /** 1-based line the record starts on, when the input is text. */
  line?: number;
  /** Id of the source module. */
  format: string;
  dataset: string;
  category: readonly string[];
  kind: EventKind;
}

export function baseEvent(origin: Origin): Event {
  const event: Event = {
    "event.dataset": origin.dataset,
    "event.category": origin.category,
    "event.kind": origin.kind,
    "log.file.path": origin.path,
    "minerhunt.format": origin.format,
  };
  if (origin.line !== undefined) event["minerhunt.line"] = origin.line;
  return event;
}
