/**
 * The statements that write an incident and the rows that hang off it. Called inside a transaction
 * by saveScan and by the analyst operations; nothing here opens one itself.
 */
import type { Incident } from "../model/index.js";
import { severityRank } from "../model/index.js";
import { entityPairs } from "../model/index.js";
import type { Row, SqlConn, SqlValue } from "./sql.js";
import { chunks, placeholders } from "./sql.js";
import { INCIDENT_COLUMNS, incidentFromRow } from "./rows.js";
import type { TimelineKind, TimelineValue } from "./types.js";

/** Times in indexed columns are normalised to UTC ISO 8601 so that text order is time order. */
export function isoTime(time: string): string {
  const t = Date.parse(time);
  return Number.isNaN(t) ? time : new Date(t).toISOString();
}

function incidentColumns(inc: Incident): SqlValue[] {
  return [
    inc.title, inc.status, inc.severity, severityRank(inc.severity), inc.priority, inc.assignee ?? null,
    inc.confidence, isoTime(inc.firstSeen), isoTime(inc.lastSeen), inc.environment, inc.hostType, JSON.stringify(inc),
  ];
}

export async function insertIncident(conn: SqlConn, inc: Incident, at: string): Promise<void> {
  await conn.run(
    `INSERT INTO incidents (title, status, severity, severity_rank, priority, assignee, confidence, first_seen, last_seen,
       environment, host_type, json, id, created_at, updated_at, closed_at) VALUES (${placeholders(16)})`,
    [...incidentColumns(inc), inc.id, at, at, inc.status === "closed" ? at : null],
  );
  await addEntities(conn, inc);
  await syncChecklist(conn, inc);
}

/**
 * Rewrite an incident's row from its changed object (closed_at is set when it closes and cleared when it
 * reopens). Only the entity and checklist rows that differ from `previous` are written: a big incident
 * that a scan joins many times is not rewritten whole each time.
 */
export async function updateIncident(conn: SqlConn, inc: Incident, at: string, previous: Incident): Promise<void> {
  await conn.run(
    `UPDATE incidents SET title = ?, status = ?, severity = ?, severity_rank = ?, priority = ?, assignee = ?, confidence = ?,
       first_seen = ?, last_seen = ?, environment = ?, host_type = ?, json = ?, updated_at = ?,
       closed_at = CASE WHEN ? = 'closed' THEN COALESCE(closed_at, ?) ELSE NULL END
     WHERE id = ?`,
    [...incidentColumns(inc), at, inc.status, at, inc.id],
  );
  await addEntities(conn, inc, previous);
  await syncChecklist(conn, inc, previous);
}

/** Entity rows for lookups; entities only ever grow, so existing rows are kept and only new ones written. */
async function addEntities(conn: SqlConn, inc: Incident, previous?: Incident): Promise<void> {
  const known = new Set(previous ? entityPairs(previous.entities).map((p) => `${p.kind}\0${p.value}`) : []);
  const fresh = entityPairs(inc.entities).filter((p) => !known.has(`${p.kind}\0${p.value}`));
  for (const batch of chunks(fresh, 200)) {
    await conn.run(
      `INSERT INTO incident_entities (incident_id, kind, value) VALUES ${batch.map(() => "(?, ?, ?)").join(", ")}
       ON CONFLICT (incident_id, kind, value) DO NOTHING`,
      batch.flatMap((p) => [inc.id, p.kind, p.value]),
    );
  }
}

async function syncChecklist(conn: SqlConn, inc: Incident, previous?: Incident): Promise<void> {
  const before = new Map((previous?.checklist ?? []).map((c) => [c.id, JSON.stringify(c)]));
  for (const item of inc.checklist) {
    if (before.get(item.id) === JSON.stringify(item)) continue;
    await conn.run(
      `INSERT INTO checklist (incident_id, item_id, phase, done, answered_by, answer, by_whom, at, findings_json)
       VALUES (${placeholders(9)})
       ON CONFLICT (incident_id, item_id) DO UPDATE SET phase = excluded.phase, done = excluded.done,
         answered_by = excluded.answered_by, answer = excluded.answer, by_whom = excluded.by_whom,
         at = excluded.at, findings_json = excluded.findings_json`,
      [inc.id, item.id, item.phase, item.done ? 1 : 0, item.answeredBy ?? null, item.answer ?? null,
        item.by ?? null, item.at ?? null, item.findings ? JSON.stringify(item.findings) : null],
    );
  }
}

export async function linkFindings(conn: SqlConn, incidentId: string, findingIds: readonly string[], at: string, scanId: number | null): Promise<void> {
  for (const batch of chunks(findingIds, 200)) {
    await conn.run(
      `INSERT INTO incident_findings (incident_id, finding_id, added_at, scan_id) VALUES ${batch.map(() => "(?, ?, ?, ?)").join(", ")}
       ON CONFLICT (incident_id, finding_id) DO NOTHING`,
      batch.flatMap((id) => [incidentId, id, at, scanId]),
    );
  }
}

export async function addTimeline(
  conn: SqlConn, incidentId: string, at: string, actor: string, kind: TimelineKind, data: Record<string, TimelineValue>,
): Promise<void> {
  await conn.run("INSERT INTO timeline (incident_id, at, actor, kind, data_json) VALUES (?, ?, ?, ?, ?)",
    [incidentId, at, actor, kind, JSON.stringify(data)]);
}

export async function loadIncident(conn: SqlConn, id: string): Promise<Incident | undefined> {
  const row: Row | undefined = await conn.get(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`, [id]);
  return row ? incidentFromRow(row) : undefined;
}
