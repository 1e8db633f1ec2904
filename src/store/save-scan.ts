/**
 * saveScan: one scan's findings and incidents, written in the caller's single transaction.
 *
 * Idempotent by construction:
 *   - findings are keyed by their stable id. A known fact is a merge of its readings (the data each save saw
 *     it in, known by the record it starts at): a reading seen again refreshes only if it grew (a later
 *     last-seen time or more evidence: the log grew), a reading of other data adds up with the rest;
 *   - an incoming incident joins the oldest stored incident that is not closed and either has the same
 *     id, already holds one of its findings, or shares an entity with it (rules in merge.ts);
 *   - an incoming incident whose findings all belong to closed incidents already is not reopened:
 *     the analyst has dealt with that proof;
 *   - otherwise it opens a new incident (with a fresh id if its id belongs to a closed one).
 */
import { createHash } from "node:crypto";
import { mergeFinding, sameRecord, severityRank } from "../model/index.js";
import { CampaignSchema, FindingSchema, IncidentSchema } from "../model/schemas.js";
import type { Campaign, Finding, Incident } from "../model/index.js";
import { mergeablePairs, sharesMergeEntity } from "./merge.js";
import type { Reassess, Seen } from "./merge.js";
import type { Row, SqlConn } from "./sql.js";
import { chunks, colText, placeholders } from "./sql.js";
import { findingFromRow, incidentFromRow } from "./rows.js";
import {
  addTimeline, insertIncident, isoTime, linkFindings, updateIncident,
} from "./incident-writes.js";
import type { RescannedFile, SaveScanOptions, SaveScanResult, ScanInput } from "./types.js";
import { linkCampaignsByMarks, type MarkedScanIncident } from "./campaign-marks.js";
import { StoreError } from "./types.js";

export interface SaveContext {
  at: string;
  windowHours: number;
  /** The playbook re-run over a merged incident's findings (the store keeps no domain rule). */
  reassess?: Reassess;
}

const FINDINGS_PER_STATEMENT = 100;

/**
 * A scan's campaigns, stored: each names the stored incidents its scan incidents became. A campaign that
 * shares an incident with a stored one joins it (the stored id stays), and its members carry its id.
 * Written only when something changed.
 */
async function saveCampaigns(conn: SqlConn, campaigns: readonly Campaign[], storedIdOf: ReadonlyMap<string, string>, ctx: SaveContext): Promise<string[]> {
  const saved: string[] = [];
  for (const c of campaigns) {
    const members = [...new Set(c.incidentIds.map((id) => storedIdOf.get(id)).filter((id): id is string => id !== undefined))].sort();
    if (members.length < 2) continue;
    const known = await conn.get(
      `SELECT c.id, c.json FROM campaign_incidents m JOIN campaigns c ON c.id = m.campaign_id
       WHERE m.incident_id IN (${placeholders(members.length)}) ORDER BY c.created_at, c.id LIMIT 1`, members);
    const previous = known ? CampaignSchema.parse(JSON.parse(colText(known, "json"))) : undefined;
    const id = previous?.id ?? c.id;
    const incidentIds = [...new Set([...(previous?.incidentIds ?? []), ...members])].sort();
    const campaign: Campaign = { ...c, id, incidentIds, scope: { ...c.scope, incidents: Math.max(c.scope.incidents, incidentIds.length) } };
    const json = JSON.stringify(campaign);
    if (previous && JSON.stringify(previous) === json) continue;
    if (previous) await conn.run("UPDATE campaigns SET json = ?, updated_at = ? WHERE id = ?", [json, ctx.at, id]);
    else await conn.run("INSERT INTO campaigns (id, json, created_at, updated_at) VALUES (?, ?, ?, ?)", [id, json, ctx.at, ctx.at]);
    // Membership lives in campaign_incidents. This scan's own incidents (it holds their locks) carry the stored
    // campaign's id; an incident of an earlier scan is not rewritten (an analyst may be changing it right now):
    // reads fill in its campaignId (rows.ts).
    for (const incidentId of incidentIds) {
      await conn.run("INSERT INTO campaign_incidents (campaign_id, incident_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [id, incidentId]);
    }
    for (const incidentId of members) {
      const row = await conn.get("SELECT id, json FROM incidents WHERE id = ?", [incidentId]);
      const inc = row ? incidentFromRow(row) : undefined;
      if (inc && inc.campaignId !== id) await updateIncident(conn, { ...inc, campaignId: id }, ctx.at, inc);
    }
    saved.push(id);
  }
  return saved;
}
/** Timeline entries list at most this many of the finding ids that joined (the links table has them all). */
const TIMELINE_ID_LIMIT = 50;

function validate(scan: ScanInput): { findings: Finding[]; incidents: Incident[]; campaigns: Campaign[] } {
  const findings = scan.findings.map((f, i) => {
    const r = FindingSchema.safeParse(f);
    if (!r.success) throw new StoreError("invalid", `finding #${i + 1} (${String(f.id)}) does not match the Finding schema: ${r.error.message}`);
    return r.data;
  });
  const incidents = scan.incidents.map((inc, i) => {
    const r = IncidentSchema.safeParse(inc);
    if (!r.success) throw new StoreError("invalid", `incident #${i + 1} (${String(inc.id)}) does not match the Incident schema: ${r.error.message}`);
    return r.data;
  });
  const campaigns = (scan.campaigns ?? []).map((c, i) => {
    const r = CampaignSchema.safeParse(c);
    if (!r.success) throw new StoreError("invalid", `campaign #${i + 1} (${String(c.id)}) does not match the Campaign schema: ${r.error.message}`);
    return r.data;
  });
  return { findings, incidents, campaigns };
}

async function insertScanRow(conn: SqlConn, scan: ScanInput, ctx: SaveContext): Promise<number> {
  const row = await conn.get(
    "INSERT INTO scans (started_at, finished_at, by_whom, counts_json) VALUES (?, ?, ?, ?) RETURNING id",
    [scan.startedAt ?? ctx.at, ctx.at, scan.by ?? "minerhunt", JSON.stringify(scan.counts ?? {})],
  );
  if (!row) throw new Error("store: inserting the scan record returned no id");
  return Number(row["id"]);
}

/** Record the scan's files, first noting which of them earlier scans already read byte for byte. */
async function recordFiles(conn: SqlConn, scanId: number, scan: ScanInput): Promise<RescannedFile[]> {
  const rescanned: RescannedFile[] = [];
  for (const file of scan.files ?? []) {
    const prev = await conn.get(
      `SELECT f.scan_id, f.path, s.started_at FROM scan_files f JOIN scans s ON s.id = f.scan_id
       WHERE f.sha256 = ? ORDER BY f.scan_id DESC LIMIT 1`,
      [file.sha256.toLowerCase()],
    );
    if (prev) {
      rescanned.push({
        path: file.path, sha256: file.sha256, previousScanId: Number(prev["scan_id"]),
        previousPath: colText(prev, "path"), previousScannedAt: colText(prev, "started_at"),
      });
    }
    await conn.run(
      `INSERT INTO scan_files (scan_id, path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scan_id, path) DO NOTHING`,
      [scanId, file.path, file.size, Math.trunc(file.mtimeMs), file.sha256.toLowerCase()],
    );
  }
  return rescanned;
}

/**
 * Insert the findings not stored yet; returns the ids that were new, and the known ones that were seen again
 * later than stored (a fact is one finding for ever: a miner back on a host after its incident was closed is
 * the same fact, seen again).
 */
async function insertFindings(
  conn: SqlConn, findings: Finding[], scanId: number, ctx: SaveContext, onProgress: SaveScanOptions["onProgress"],
): Promise<{ inserted: Set<string>; seenLater: Set<string> }> {
  const inserted = new Set<string>();
  const seenLater = new Set<string>();
  let done = 0;
  for (const batch of chunks(findings, FINDINGS_PER_STATEMENT)) {
    const rows = await conn.all(
      `INSERT INTO findings (id, rule_id, rule_name, rule_kind, title, trigger_kind, severity, severity_rank, confidence,
         first_seen, last_seen, sample, evidence_count, json, scan_id, stored_at)
       VALUES ${batch.map(() => `(${placeholders(16)})`).join(", ")}
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      batch.flatMap((f) => [
        f.id, f.rule.id, f.rule.name, f.rule.kind, f.title, f.trigger, f.severity, severityRank(f.severity), f.confidence,
        isoTime(f.firstSeen), isoTime(f.lastSeen), f.sample ? 1 : 0, f.evidenceCount, JSON.stringify(f), scanId, ctx.at,
      ]),
    );
    for (const r of rows) inserted.add(colText(r, "id"));
    const known = batch.filter((f) => !inserted.has(f.id));
    for (const f of await refreshKnownFindings(conn, known)) seenLater.add(f);
    const evidence = batch.filter((f) => inserted.has(f.id)).flatMap((f) => f.evidence.map((e, seq) => ({ f, e, seq })));
    for (const evBatch of chunks(evidence, 200)) {
      await conn.run(
        `INSERT INTO evidence (finding_id, seq, file, line, byte_offset, packet, summary)
         VALUES ${evBatch.map(() => `(${placeholders(7)})`).join(", ")}`,
        evBatch.flatMap(({ f, e, seq }) => [f.id, seq, e.file, e.line ?? null, e.offset ?? null, e.packet ?? null, e.summary ?? null]),
      );
    }
    done += batch.length;
    onProgress?.({ phase: "findings", done, total: findings.length });
  }
  return { inserted, seenLater };
}

/**
 * A fact stored already, read again. Each save's finding is one *reading* of the fact, known by where it
 * starts (its earliest record):
 *  - the same start is the same data read again (the same file, or a log that grew since), and so is a reading
 *    whose sample holds a stored reading's start (late records earlier than it): it replaces the stored
 *    reading only if it saw more (a later last seen, more evidence), never rolls it back;
 *  - a start inside a stored reading's sample is data read before as part of a longer reading: nothing to add;
 *  - any other start is other data (another capture, another day's logs): a new reading.
 * The stored finding is the readings merged by the model's one merge (model/fact.ts), as repeats are within a
 * scan, so a day in the middle of a longer history, saved again, still counts once. A fact with one reading is
 * its findings row alone; from the second on, each is kept in finding_readings. Returns the ids seen later
 * than stored.
 */
async function refreshKnownFindings(conn: SqlConn, known: readonly Finding[]): Promise<string[]> {
  if (known.length === 0) return [];
  const ids = known.map((f) => f.id);
  const stored = new Map<string, Finding>();
  for (const r of await conn.all(`SELECT id, json FROM findings WHERE id IN (${placeholders(ids.length)})`, ids)) {
    stored.set(colText(r, "id"), findingFromRow(r));
  }
  const readings = new Map<string, Reading[]>();
  for (const r of await conn.all(`SELECT finding_id AS id, reading, json FROM finding_readings WHERE finding_id IN (${placeholders(ids.length)})`, ids)) {
    const list = readings.get(colText(r, "id")) ?? [];
    list.push({ key: colText(r, "reading"), finding: findingFromRow(r), stored: true });
    readings.set(colText(r, "id"), list);
  }
  const seenLater: string[] = [];
  for (const f of known) {
    const before = stored.get(f.id);
    if (!before) continue;
    if (isoTime(f.lastSeen) > isoTime(before.lastSeen)) seenLater.push(f.id);
    const list = readings.get(f.id) ?? [{ key: readingKey(before), finding: before, stored: false }];
    const key = readingKey(f);
    // The same reading: the same start, or one that holds a stored reading's start (the data read again, with
    // earlier records now: a stream's late records, a log restored from further back).
    const same = list.find((r) => r.key === key) ?? list.find((r) => holdsStartOf(f, r.finding));
    if (same) {
      if (!grew(same.finding, f)) continue;
      if (same.key !== key && same.stored) {
        await conn.run("DELETE FROM finding_readings WHERE finding_id = ? AND reading = ?", [f.id, same.key]);
        same.stored = false;
      }
      same.key = key;
      same.finding = f;
      same.changed = true;
    } else {
      if (list.some((r) => holdsStartOf(r.finding, f))) continue;
      if (list.length >= MAX_READINGS) {
        // Past the cap the new reading is counted into the latest one (a re-read of it then counts again).
        const latest = list.reduce((a, b) => (isoTime(b.finding.firstSeen) > isoTime(a.finding.firstSeen) ? b : a));
        mergeFinding(latest.finding, f);
        latest.changed = true;
      } else {
        list.push({ key, finding: f, stored: false, changed: true });
      }
    }
    if (list.length > 1) {
      for (const r of list) {
        if (r.stored && !r.changed) continue;
        await conn.run(
          `INSERT INTO finding_readings (finding_id, reading, json) VALUES (?, ?, ?)
           ON CONFLICT (finding_id, reading) DO UPDATE SET json = excluded.json`,
          [f.id, r.key, JSON.stringify(r.finding)],
        );
      }
    }
    const merged = mergedReadings(list);
    await conn.run(
      `UPDATE findings SET title = ?, severity = ?, severity_rank = ?, confidence = ?, first_seen = ?, last_seen = ?, evidence_count = ?, json = ?
       WHERE id = ?`,
      [merged.title, merged.severity, severityRank(merged.severity), merged.confidence, isoTime(merged.firstSeen), isoTime(merged.lastSeen),
        merged.evidenceCount, JSON.stringify(merged), f.id],
    );
  }
  return seenLater;
}

/** One reading of a fact: the finding one save saw, known by where it starts. */
interface Reading {
  key: string;
  finding: Finding;
  /** In finding_readings already. */
  stored: boolean;
  changed?: boolean;
}

/** Readings kept apart per fact; past it a new one is merged into the latest (years of daily files). */
const MAX_READINGS = 1_000;

/** Where a reading starts: the SHA-256 of its earliest record's file, position and time (a path may be long). */
function readingKey(f: Finding): string {
  const e = f.evidence[0];
  const start = e ? [e.file, e.line ?? "", e.offset ?? "", e.packet ?? "", e.time ?? ""].join("\0") : `no evidence\0${f.firstSeen}`;
  return createHash("sha256").update(start).digest("hex");
}

/** Does `f`'s sample hold the record `reading` starts at? */
function holdsStartOf(f: Finding, reading: Finding): boolean {
  const start = reading.evidence[0];
  return start !== undefined && f.evidence.some((e) => sameRecord(e, start));
}

/** The same reading seen again with more: later, or with more evidence, and less of neither. */
function grew(before: Finding, now: Finding): boolean {
  const [b, n] = [isoTime(before.lastSeen), isoTime(now.lastSeen)];
  return n >= b && now.evidenceCount >= before.evidenceCount && (n > b || now.evidenceCount > before.evidenceCount);
}

/** The readings as one finding: merged in time order into a copy of the earliest. */
function mergedReadings(list: readonly Reading[]): Finding {
  const ordered = [...list].sort((a, b) => isoTime(a.finding.firstSeen).localeCompare(isoTime(b.finding.firstSeen)) || a.key.localeCompare(b.key));
  const into = structuredClone(ordered[0]!.finding);
  for (const r of ordered.slice(1)) mergeFinding(into, r.finding);
  return into;
}

/** Which of these finding ids are stored (this scan's are already inserted). */
async function storedFindingIds(conn: SqlConn, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const batch of chunks([...new Set(ids)], 500)) {
    const rows = await conn.all(`SELECT id FROM findings WHERE id IN (${placeholders(batch.length)})`, batch);
    for (const r of rows) found.add(colText(r, "id"));
  }
  return found;
}

interface Candidate {
  incident: Incident;
  createdAt: string;
}

function candidatesFrom(rows: Row[]): Candidate[] {
  return rows.map((r) => ({ incident: incidentFromRow(r), createdAt: colText(r, "created_at") }));
}

/** Stored incidents that are not closed and share an entity with these, oldest first. */
export async function openIncidentsByEntities(
  conn: SqlConn, entities: Incident["entities"], seen: Seen | undefined, windowHours: number,
): Promise<Candidate[]> {
  const byKind = new Map<string, string[]>();
  for (const p of mergeablePairs(entities)) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p.value]);
  const found = new Map<string, Candidate>();
  for (const [kind, values] of byKind) {
    for (const batch of chunks(values, 500)) {
      const rows = await conn.all(
        `SELECT DISTINCT i.id, i.json, i.created_at FROM incident_entities e JOIN incidents i ON i.id = e.incident_id
         WHERE i.status <> 'closed' AND e.kind = ? AND e.value IN (${placeholders(batch.length)})`,
        [kind, ...batch],
      );
      for (const c of candidatesFrom(rows)) {
        if (!found.has(c.incident.id) && sharesMergeEntity(c.incident, entities, seen, windowHours)) found.set(c.incident.id, c);
      }
    }
  }
  return oldestFirst([...found.values()]);
}

function oldestFirst(list: Candidate[]): Candidate[] {
  return list.sort((a, b) => (a.createdAt === b.createdAt ? (a.incident.id < b.incident.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
}

/** The stored open incident an incoming one belongs to, if any. */
async function findTarget(conn: SqlConn, incoming: Incident, ctx: SaveContext): Promise<Incident | undefined> {
  const candidates: Candidate[] = [];
  candidates.push(...candidatesFrom(await conn.all(
    "SELECT id, json, created_at FROM incidents WHERE id = ? AND status <> 'closed'", [incoming.id])));
  for (const batch of chunks(incoming.findingIds, 500)) {
    candidates.push(...candidatesFrom(await conn.all(
      `SELECT DISTINCT i.id, i.json, i.created_at FROM incident_findings l JOIN incidents i ON i.id = l.incident_id
       WHERE i.status <> 'closed' AND l.finding_id IN (${placeholders(batch.length)})`, batch)));
  }
  candidates.push(...await openIncidentsByEntities(conn, incoming.entities, incoming, ctx.windowHours));
  return oldestFirst(candidates)[0]?.incident;
}

/** A free incident id: the incoming one, or with "-2", "-3"... when a closed incident holds it. */
async function freeIncidentId(conn: SqlConn, id: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? id : `${id}-${n}`;
    if (!(await conn.get("SELECT id FROM incidents WHERE id = ?", [candidate]))) return candidate;
  }
}

async function allLinkedToClosed(conn: SqlConn, findingIds: readonly string[]): Promise<boolean> {
  if (findingIds.length === 0) return false;
  const linked = new Set<string>();
  for (const batch of chunks(findingIds, 500)) {
    const rows = await conn.all(
      `SELECT DISTINCT l.finding_id FROM incident_findings l JOIN incidents i ON i.id = l.incident_id
       WHERE i.status = 'closed' AND l.finding_id IN (${placeholders(batch.length)})`, batch);
    for (const r of rows) linked.add(colText(r, "finding_id"));
  }
  return findingIds.every((id) => linked.has(id));
}

/** Which of these finding ids are already linked to the incident. */
async function alreadyLinked(conn: SqlConn, incidentId: string, ids: readonly string[]): Promise<Set<string>> {
  const linked = new Set<string>();
  for (const batch of chunks([...new Set(ids)], 500)) {
    const rows = await conn.all(
      `SELECT finding_id FROM incident_findings WHERE incident_id = ? AND finding_id IN (${placeholders(batch.length)})`,
      [incidentId, ...batch]);
    for (const r of rows) linked.add(colText(r, "finding_id"));
  }
  return linked;
}

/** The stored findings with these ids, in id order. */
export async function loadFindings(conn: SqlConn, ids: readonly string[]): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const batch of chunks([...new Set(ids)], 500)) {
    const rows = await conn.all(`SELECT id, json FROM findings WHERE id IN (${placeholders(batch.length)})`, batch);
    for (const r of rows) out.push(findingFromRow(r));
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : 1));
}

/**
 * Join the incoming incident's new findings to a stored one and let the playbook assess the union again.
 * Nothing new, nothing written: a re-scan leaves the stored incident byte for byte as it was.
 */
async function mergeInto(
  conn: SqlConn, target: Incident, incoming: Incident, stored: Set<string>, scanId: number, ctx: SaveContext, campaign: Campaign | undefined,
): Promise<"merged" | "unchanged"> {
  const linked = await alreadyLinked(conn, target.id, incoming.findingIds);
  const joined = [...new Set(incoming.findingIds.filter((id) => stored.has(id) && !linked.has(id)))];
  if (joined.length === 0) return "unchanged";
  const findingIds = [...target.findingIds, ...joined];
  const merged = ctx.reassess ? ctx.reassess(await loadFindings(conn, findingIds), target, campaign) : { ...target };
  merged.findingIds = findingIds;
  await updateIncident(conn, merged, ctx.at, target);
  await linkFindings(conn, target.id, joined, ctx.at, scanId);
  await addTimeline(conn, target.id, ctx.at, "minerhunt", "findings-joined",
    { count: joined.length, findings: joined.slice(0, TIMELINE_ID_LIMIT), scan: scanId, from: incoming.id });
  return "merged";
}

async function openNew(conn: SqlConn, incoming: Incident, stored: Set<string>, scanId: number, ctx: SaveContext): Promise<string> {
  const id = await freeIncidentId(conn, incoming.id);
  const findingIds = incoming.findingIds.filter((f) => stored.has(f));
  const inc: Incident = { ...incoming, id, findingIds };
  await insertIncident(conn, inc, ctx.at);
  await linkFindings(conn, id, findingIds, ctx.at, scanId);
  await addTimeline(conn, id, ctx.at, "minerhunt", "created", { findings: findingIds.length, scan: scanId });
  return id;
}

export async function saveScanIn(conn: SqlConn, scan: ScanInput, base: SaveContext, options: SaveScanOptions = {}): Promise<SaveScanResult> {
  const ctx: SaveContext = scan.reassess ? { ...base, reassess: scan.reassess } : base;
  const { findings: all, incidents, campaigns } = validate(scan);
  const campaignOf = new Map<string, Campaign>();
  for (const c of campaigns) for (const id of c.incidentIds) campaignOf.set(id, c);
  const storedIdOf = new Map<string, string>();
  const unique = [...new Map(all.map((f) => [f.id, f])).values()];
  const scanId = await insertScanRow(conn, scan, ctx);
  const rescannedFiles = await recordFiles(conn, scanId, scan);
  const { inserted, seenLater } = await insertFindings(conn, unique, scanId, ctx, options.onProgress);
  const stored = await storedFindingIds(conn, incidents.flatMap((i) => i.findingIds));

  const result: SaveScanResult = {
    scanId,
    findings: { received: all.length, inserted: inserted.size, known: unique.length - inserted.size },
    incidents: { created: [], merged: [], unchanged: [], alreadyClosed: [] },
    campaigns: [],
    joinedCampaign: [],
    rescannedFiles,
  };
  let done = 0;
  for (const incoming of incidents) {
    const target = await findTarget(conn, incoming, ctx);
    if (target) {
      const outcome = await mergeInto(conn, target, incoming, stored, scanId, ctx, campaignOf.get(incoming.id));
      const list = outcome === "merged" ? result.incidents.merged : result.incidents.unchanged;
      if (!list.includes(target.id)) list.push(target.id);
      storedIdOf.set(incoming.id, target.id);
    } else if (!incoming.findingIds.some((f) => seenLater.has(f)) && await allLinkedToClosed(conn, incoming.findingIds.filter((f) => stored.has(f)))) {
      result.incidents.alreadyClosed.push(incoming.id);
    } else {
      const id = await openNew(conn, incoming, stored, scanId, ctx);
      result.incidents.created.push(id);
      storedIdOf.set(incoming.id, id);
    }
    options.onProgress?.({ phase: "incidents", done: ++done, total: incidents.length });
  }
  // An incident opened by this scan is "created" even if later incidents of the scan joined it;
  // one listed first as unchanged and later as merged counts as merged.
  const created = new Set(result.incidents.created);
  result.incidents.merged = result.incidents.merged.filter((id) => !created.has(id));
  result.incidents.unchanged = result.incidents.unchanged.filter((id) => !created.has(id) && !result.incidents.merged.includes(id));

  if (scan.campaigner && scan.marks) {
    const marked = new Map<string, MarkedScanIncident>();
    for (const incoming of incidents) {
      const storedId = storedIdOf.get(incoming.id);
      if (storedId === undefined) continue;
      const entry = marked.get(storedId) ?? { storedId, marks: [] };
      const scanCampaign = campaignOf.get(incoming.id) ?? entry.scanCampaign;
      marked.set(storedId, { storedId, marks: [...entry.marks, ...(scan.marks[incoming.id] ?? [])], ...(scanCampaign ? { scanCampaign } : {}) });
    }
    const linked = await linkCampaignsByMarks(conn, [...marked.values()], {
      at: ctx.at, campaigner: scan.campaigner, ...(ctx.reassess ? { reassess: ctx.reassess } : {}),
      loadFindings: (ids) => loadFindings(conn, ids),
    });
    result.campaigns = linked.campaigns;
    result.joinedCampaign = linked.joinedEarlier;
  } else {
    result.campaigns = await saveCampaigns(conn, campaigns, storedIdOf, ctx);
  }

  const counts = {
    ...(scan.counts ?? {}),
    findingsReceived: result.findings.received,
    findingsInserted: result.findings.inserted,
    incidentsCreated: result.incidents.created.length,
    incidentsMerged: result.incidents.merged.length,
  };
  await conn.run("UPDATE scans SET counts_json = ? WHERE id = ?", [JSON.stringify(counts), scanId]);
  return result;
}
