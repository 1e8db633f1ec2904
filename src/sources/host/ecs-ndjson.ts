/**
 * ECS documents as NDJSON, one per line: Elastic Defend (`endpoint.events.process`), Auditbeat, Elastic
 * Agent and Beats exports (`_source` of each hit, or `elasticsearch-dump` / Discover NDJSON lines).
 * Each record is flattened with flattenEcs and kept whole: process events are what this source is for,
 * and the network, file or DNS records of the same export are passed on with their own categories.
 *
 * - `event.dataset` is the record's own; Auditbeat records (agent.type "auditbeat", or 6.x's auditd module
 *   records with no dataset) get "auditbeat". Auditbeat auditd records get the categories and command line
 *   the raw audit.log source gives the same execve or connect (auditbeat.ts).
 *   Without either, "ecs".
 * - `event.category` missing but process fields present: ["process"].
 * - `minerhunt.*` keys inside a record are dropped: that namespace is ours, and log text must not
 *   forge it (say, a fake `minerhunt.process.kernel_thread`).
 * - Search-hit wrappers (`{"_index":..,"_source":{..}}`) are unwrapped.
 *
 * The per-document conversion (ecsDocumentOf, ecsScore, ecsEvent) and the `emits` declarations are
 * exported for ecs-json-doc.ts, which reads the same documents packaged as one JSON document.
 *
 * Speed: a bench pushes a million lines through this source. When detection supplies a prefilter, the
 * raw line is tested with `ctx.prefilter.text(line)` BEFORE JSON.parse; a line that cannot matter is
 * counted with `ctx.skipped()` and never parsed or flattened. That keyword scan is the cheap path.
 */
import type { Event } from "../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../types.js";
import { sampleJsonLineAsIs } from "../sniff.js";
import { contentStart, LineScanner, scanInput, type RawLine } from "../network/line-scanner.js";
import { baseEvent } from "../metrics/event-base.js";
import { isJsonObject } from "../metrics/json-locate.js";
import { toIsoUtc } from "../metrics/time.js";
import { flattenEcs } from "./flatten-ecs.js";
import { addAuditbeatCommandLine, auditbeatCategories, isAuditbeatAuditd } from "./auditbeat.js";

const ID = "ecs.ndjson";

/** ECS's allowed `event.category` values (ECS 8.x reference, event.category). */
const ECS_CATEGORIES = [
  "api", "authentication", "configuration", "database", "driver", "email", "file", "host", "iam", "intrusion_detection",
  "library", "malware", "network", "package", "process", "registry", "session", "threat", "vulnerability", "web",
];

/** The ECS document of a line: the object itself, or the `_source` of a search hit. */
export function ecsDocumentOf(parsed: unknown): Record<string, unknown> | undefined {
  if (!isJsonObject(parsed)) return undefined;
  if (isJsonObject(parsed._source) && typeof parsed._index === "string") return parsed._source;
  return parsed;
}

function hasProcessFields(flat: Record<string, unknown>): boolean {
  for (const key of Object.keys(flat)) if (key.startsWith("process.")) return true;
  return false;
}

/** ecsScore's highest score. */
const ECS_SCORE_MAX = 0.85;

/** How much a flat record looks like ECS: 0 (not), 0.6 (generic ECS), 0.85 (endpoint or Auditbeat). */
export function ecsScore(flat: Record<string, unknown>): number {
  if (typeof flat["@timestamp"] !== "string") return 0;
  const keys = Object.keys(flat);
  const ecsMarked = "ecs.version" in flat || "agent.type" in flat || "event.dataset" in flat || "event.module" in flat;
  if (!ecsMarked || !keys.some((k) => k.startsWith("event.") || k.startsWith("process.") || k.startsWith("host."))) return 0;
  const dataset = flat["event.dataset"];
  const agent = flat["agent.type"];
  if ((typeof dataset === "string" && dataset.startsWith("endpoint.events.")) || agent === "auditbeat" || agent === "endpoint"
    || flat["event.module"] === "auditd") return ECS_SCORE_MAX;
  return 0.6;
}

/**
 * Records keep their own dataset: the known ones, then "ecs" for the rest, which may carry any ECS
 * category (so a rule routed by category sees them, and the raw-text check keeps what it needs).
 * Shared with every source that reads ECS documents through ecsEvent: sources declaring one dataset
 * must declare it alike.
 */
export const ECS_EMITS: readonly DatasetDeclaration[] = [
  { dataset: "endpoint.events.process", categories: ["process"], sigma: ["process_creation"], prefilter: ["text"] },
  { dataset: "endpoint.events.network", categories: ["network"], sigma: ["network_connection", "firewall"], prefilter: ["text"] },
  { dataset: "endpoint.events.file", categories: ["file"], sigma: ["file_event"], prefilter: ["text"] },
  { dataset: "auditbeat", categories: ["process", "network"], sigma: ["process_creation", "network_connection"], prefilter: ["text"] },
  { dataset: "ecs", categories: ECS_CATEGORIES, prefilter: ["text"] },
];

export const ecsNdjsonSource: Source = {
  id: ID,
  title: "ECS NDJSON (Elastic Defend endpoint.events.process, Auditbeat, Elastic Agent, Beats)",
  emits: ECS_EMITS,

  sniff(sample: Sample): number {
    let best = 0;
    for (let i = 0; i < Math.min(3, sample.lines.length); i++) {
      // ECS needs "@timestamp" (ecsScore): a line without the key is not parsed at all.
      if (!sample.lines[i]!.includes('"@timestamp"')) continue;
      // Parsed once for all the JSON-lines sniffers; a cut or broken line is passed over.
      const record = sampleJsonLineAsIs(sample, i);
      if (typeof record === "string") continue;
      const doc = ecsDocumentOf(record);
      if (doc) best = Math.max(best, ecsScore(flattenEcs(doc)));
      if (best === ECS_SCORE_MAX) break; // no later line can score higher
    }
    return best;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const prefilter = ctx.prefilter;
    // Lines are found in whole chunks read as latin1 text (no per-line UTF-8 decoding); the keyword
    // scan runs on that raw text, and only the lines it keeps are decoded and JSON-parsed.
    const scanner = new LineScanner(ctx);
    const out: Event[] = [];
    const visit = (raw: RawLine): void => {
      const s = contentStart(raw);
      if (s === raw.end) return; // blank line
      if (prefilter && !prefilter.text(raw.text.slice(s, raw.end))) {
        ctx.skipped();
        return;
      }
      const text = scanner.decode(raw, s);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        ctx.issue(raw.line, `not valid JSON (${(err as Error).message.slice(0, 120)}); expected one ECS JSON object per line`);
        return;
      }
      const doc = ecsDocumentOf(parsed);
      if (!doc) {
        ctx.issue(raw.line, "expected a JSON object (one ECS document per line)");
        return;
      }
      out.push(ecsEvent(doc, { path: input.path, line: raw.line, format: ID }, ctx));
    };
    yield* scanInput(input, scanner, out, visit);
  },
};

/** Our namespace: a record may not bring its own minerhunt.* fields. */
function isOurNamespace(key: string): boolean {
  return key === "minerhunt" || key.startsWith("minerhunt.");
}

/** Where a document was read: the input, the line it starts on, the id of the source that read it. */
export interface EcsOrigin {
  path: string;
  line: number;
  format: string;
}

/** One ECS document as an event: flattened, with its dataset, categories and provenance (see the header). */
export function ecsEvent(doc: Record<string, unknown>, origin: EcsOrigin, ctx: ParseContext): Event {
  const { path, line, format } = origin;
  let truncated: string | undefined;
  // Flattened straight into the event: no copy per record.
  const event: Event = flattenEcs(doc, { skipTopLevel: isOurNamespace, onTruncate: (what) => { truncated = what; } });
  if (truncated !== undefined) ctx.issue(line, `record cut to fit limits (${truncated}); the rest of it was read`);

  const agent = event["agent.type"];
  const recordDataset = event["event.dataset"];
  let category = event["event.category"];
  if (typeof category === "string") category = [category];
  if (!Array.isArray(category)) category = hasProcessFields(event) ? ["process"] : [];
  const auditd = isAuditbeatAuditd(event);
  if (auditd) {
    category = auditbeatCategories(event, category as string[]);
    addAuditbeatCommandLine(event);
  }
  const kind = event["event.kind"];
  Object.assign(event, baseEvent({
    path, line, format,
    dataset: agent === "auditbeat" || (auditd && recordDataset === undefined) ? "auditbeat" : typeof recordDataset === "string" && recordDataset !== "" ? recordDataset : "ecs",
    category: category as readonly string[],
    kind: kind === "alert" || kind === "metric" || kind === "state" ? kind : "event",
  }));

  const rawTime = event["@timestamp"];
  if (rawTime !== undefined) {
    const iso = typeof rawTime === "string" || typeof rawTime === "number" ? toIsoUtc(rawTime) : undefined;
    if (iso !== undefined) event["@timestamp"] = iso;
    else {
      delete event["@timestamp"];
      ctx.issue(line, `@timestamp ${JSON.stringify(String(rawTime)).slice(0, 80)} is not a time; expected ISO 8601 (the record is kept without it)`);
    }
  }
  return event;
}
