/**
 * Stored rows to model objects. The JSON columns are the truth for findings and incidents (the other
 * columns are indexes over them); they are checked with the model's zod schemas on the way out, so a
 * hand-edited database gives a clear error instead of a wrong answer.
 */
import { FindingSchema, IncidentSchema } from "../model/schemas.js";
import type { Finding, Incident } from "../model/index.js";
import type { Row } from "./sql.js";
import { colNum, colOptText, colText } from "./sql.js";
import type { AuditRecord, Note, ScanRecord, ScannedFile, TimelineEntry, TimelineKind, TimelineValue } from "./types.js";

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`store: ${what} holds invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function incidentFromRow(row: Row): Incident {
  const id = colText(row, "id");
  const parsed = IncidentSchema.safeParse(parseJson(colText(row, "json"), `incident ${id}`));
  if (!parsed.success) throw new Error(`store: incident ${id} does not match the Incident schema: ${parsed.error.message}`);
  // A campaign that later took in an incident of an earlier scan records it in campaign_incidents, not in the
  // incident's own JSON (no write to an incident the scan did not lock); reads that select it show it.
  const campaign = row["campaign_id"];
  if (parsed.data.campaignId === undefined && typeof campaign === "string" && campaign !== "") parsed.data.campaignId = campaign;
  return parsed.data;
}

/** The select list that reads an incident with its campaign (see incidentFromRow). */
export const INCIDENT_COLUMNS =
  "id, json, (SELECT MIN(c.campaign_id) FROM campaign_incidents c WHERE c.incident_id = incidents.id) AS campaign_id";

export function findingFromRow(row: Row): Finding {
  const id = colText(row, "id");
  const parsed = FindingSchema.safeParse(parseJson(colText(row, "json"), `finding ${id}`));
  if (!parsed.success) throw new Error(`store: finding ${id} does not match the Finding schema: ${parsed.error.message}`);
  return parsed.data;
}

function isTimelineValue(v: unknown): v is TimelineValue {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    || (Array.isArray(v) && v.every((x) => typeof x === "string"));
}

export function timelineFromRow(row: Row): TimelineEntry {
  const raw = parseJson(colText(row, "data_json"), "a timeline entry");
  const data: Record<string, TimelineValue> = {};
  if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) if (isTimelineValue(v)) data[k] = v;
  }
  return {
    id: colNum(row, "id"),
    incidentId: colText(row, "incident_id"),
    at: colText(row, "at"),
    actor: colText(row, "actor"),
    kind: colText(row, "kind") as TimelineKind,
    data,
  };
}

export function noteFromRow(row: Row): Note {
  return {
    id: colNum(row, "id"),
    incidentId: colText(row, "incident_id"),
    at: colText(row, "at"),
    author: colText(row, "author"),
    text: colText(row, "body"),
  };
}

export function auditFromRow(row: Row): { record: AuditRecord; detailsJson: string } {
  const detailsJson = colText(row, "details_json");
  const details = parseJson(detailsJson, `audit record ${colText(row, "seq")}`);
  const record: AuditRecord = {
    seq: colNum(row, "seq"),
    at: colText(row, "at"),
    actor: colText(row, "actor"),
    action: colText(row, "action"),
    details: isRecord(details) ? details : { value: details },
    prevHash: colText(row, "prev_hash"),
    hash: colText(row, "hash"),
  };
  const target = colOptText(row, "target");
  if (target !== undefined) record.target = target;
  const incidentId = colOptText(row, "incident_id");
  if (incidentId !== undefined) record.incidentId = incidentId;
  return { record, detailsJson };
}

export function scannedFileFromRow(row: Row): ScannedFile {
  return { path: colText(row, "path"), size: colNum(row, "size"), mtimeMs: colNum(row, "mtime_ms"), sha256: colText(row, "sha256") };
}

export function scanFromRow(row: Row, files: ScannedFile[]): ScanRecord {
  const raw = parseJson(colText(row, "counts_json"), "a scan's counts");
  const counts: Record<string, number> = {};
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === "number") counts[k] = v;
  return {
    id: colNum(row, "id"),
    startedAt: colText(row, "started_at"),
    finishedAt: colText(row, "finished_at"),
    by: colText(row, "by_whom"),
    files,
    counts,
  };
}
