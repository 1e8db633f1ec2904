/**
 * Campaigns across scans. A scan finds campaigns among its own incidents; an outbreak seen over several
 * scans or ingest batches (the host agent, the HTTP ingest) also needs its incidents linked to the stored
 * ones. Each stored incident keeps its campaign marks (incident_marks); a scan's incidents look up the
 * stored incidents that share a mark, and the caller's Campaigner (correlate/campaigns.ts, with the site's
 * window) groups them all again. The store only finds the candidates and writes what comes back: which
 * marks link and how (a public pool only within the window) stays in correlate/.
 *
 * Cost is linear in the incidents that share a mark with the scan (an index by mark, no pairs).
 */
import type { Campaign, CampaignMark, Campaigner, Incident, MarkedIncident, Reassess } from "../model/index.js";
import { CAMPAIGN_LINK_KINDS } from "../model/index.js";
import { CampaignSchema } from "../model/schemas.js";
import type { SqlConn } from "./sql.js";
import { chunks, colText, placeholders } from "./sql.js";
import { INCIDENT_COLUMNS, incidentFromRow } from "./rows.js";
import { updateIncident } from "./incident-writes.js";

const KINDS: ReadonlySet<string> = new Set(CAMPAIGN_LINK_KINDS);
/** Marks per statement: (kind = ? AND value = ?) pairs. */
const MARKS_PER_QUERY = 200;

export interface MarkedScanIncident {
  /** The stored incident the scan's incident became. */
  storedId: string;
  marks: readonly CampaignMark[];
  /** The campaign the scan itself put it in (its machines decide whether a re-assessment is needed). */
  scanCampaign?: Campaign;
}

export interface LinkOutcome {
  /** Stored campaigns created or changed. */
  campaigns: string[];
  /** Incidents of earlier scans that now belong to a campaign and did not before (re-assess them after the commit). */
  joinedEarlier: string[];
}

async function saveMarks(conn: SqlConn, incidents: readonly MarkedScanIncident[]): Promise<void> {
  for (const inc of incidents) {
    for (const m of inc.marks) {
      if (!KINDS.has(m.kind) || m.value === "") continue;
      await conn.run("INSERT INTO incident_marks (incident_id, kind, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [inc.storedId, m.kind, m.value]);
    }
  }
}

/** Stored incidents that carry any of these marks, and the members of the campaigns those are in. */
async function relatedIds(conn: SqlConn, marks: readonly CampaignMark[], own: readonly string[]): Promise<string[]> {
  const ids = new Set(own);
  for (const batch of chunks([...marks], MARKS_PER_QUERY)) {
    const rows = await conn.all(
      `SELECT DISTINCT incident_id FROM incident_marks WHERE ${batch.map(() => "(kind = ? AND value = ?)").join(" OR ")}`,
      batch.flatMap((m) => [m.kind, m.value]));
    for (const r of rows) ids.add(colText(r, "incident_id"));
  }
  for (const batch of chunks([...ids], 500)) {
    const rows = await conn.all(
      `SELECT m.incident_id FROM campaign_incidents m WHERE m.campaign_id IN
         (SELECT campaign_id FROM campaign_incidents WHERE incident_id IN (${placeholders(batch.length)}))`, batch);
    for (const r of rows) ids.add(colText(r, "incident_id"));
  }
  return [...ids].sort();
}

async function loadMembers(conn: SqlConn, ids: readonly string[], own: ReadonlySet<string>): Promise<{ members: MarkedIncident[]; incidents: Map<string, Incident> }> {
  const incidents = new Map<string, Incident>();
  const marks = new Map<string, CampaignMark[]>();
  for (const batch of chunks([...ids], 500)) {
    for (const r of await conn.all(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id IN (${placeholders(batch.length)})`, batch)) {
      const inc = incidentFromRow(r);
      // A closed incident is dealt with: it neither joins nor holds a campaign together (this scan's own always count).
      if (inc.status !== "closed" || own.has(inc.id)) incidents.set(inc.id, inc);
    }
    for (const r of await conn.all(`SELECT incident_id, kind, value FROM incident_marks WHERE incident_id IN (${placeholders(batch.length)})`, batch)) {
      const id = colText(r, "incident_id");
      const list = marks.get(id) ?? [];
      list.push({ kind: colText(r, "kind") as CampaignMark["kind"], value: colText(r, "value") });
      marks.set(id, list);
    }
  }
  const members: MarkedIncident[] = [...incidents.values()].map((inc) => ({
    id: inc.id, marks: marks.get(inc.id) ?? [], scope: inc.scope, entities: inc.entities,
    environment: inc.environment, firstSeen: inc.firstSeen, lastSeen: inc.lastSeen,
  }));
  return { members, incidents };
}

/** The stored campaigns these incidents are in, oldest first. */
async function storedCampaignsOf(conn: SqlConn, ids: readonly string[]): Promise<{ id: string; json: string }[]> {
  const found = new Map<string, { id: string; json: string; created: string }>();
  for (const batch of chunks([...ids], 500)) {
    const rows = await conn.all(
      `SELECT DISTINCT c.id, c.json, c.created_at FROM campaign_incidents m JOIN campaigns c ON c.id = m.campaign_id
       WHERE m.incident_id IN (${placeholders(batch.length)})`, batch);
    for (const r of rows) found.set(colText(r, "id"), { id: colText(r, "id"), json: colText(r, "json"), created: colText(r, "created_at") });
  }
  return [...found.values()].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

export interface LinkContext {
  at: string;
  campaigner: Campaigner;
  reassess?: Reassess;
  loadFindings: (ids: readonly string[]) => Promise<import("../model/index.js").Finding[]>;
}

/**
 * Keep the scan's incidents' marks, regroup them with the stored incidents they share marks with, and write
 * the campaigns that changed. This scan's incidents (the scan holds their locks) get the campaign id and,
 * when the campaign is larger than the scan saw, a re-assessment; earlier incidents that newly joined a
 * campaign are returned for a re-assessment under their own locks.
 */
export async function linkCampaignsByMarks(conn: SqlConn, scanIncidents: readonly MarkedScanIncident[], ctx: LinkContext): Promise<LinkOutcome> {
  const outcome: LinkOutcome = { campaigns: [], joinedEarlier: [] };
  if (scanIncidents.length === 0) return outcome;
  await saveMarks(conn, scanIncidents);
  const own = new Map(scanIncidents.map((i) => [i.storedId, i]));
  const allMarks = [...new Map(scanIncidents.flatMap((i) => i.marks).map((m) => [`${m.kind}\0${m.value}`, m])).values()];
  const ids = await relatedIds(conn, allMarks, [...own.keys()]);
  if (ids.length < 2) return outcome;
  const { members, incidents } = await loadMembers(conn, ids, new Set(own.keys()));
  for (const campaign of ctx.campaigner(members)) {
    if (!campaign.incidentIds.some((id) => own.has(id))) continue; // untouched by this scan
    const previous = await storedCampaignsOf(conn, campaign.incidentIds);
    const keep = previous[0];
    const id = keep?.id ?? campaign.id;
    const wasIn = new Set<string>();
    for (const p of previous) {
      for (const r of await conn.all("SELECT incident_id FROM campaign_incidents WHERE campaign_id = ?", [p.id])) wasIn.add(colText(r, "incident_id"));
      if (p.id === id) continue;
      // Two stored campaigns that one scan shows to be one actor become one (the older id stays).
      await conn.run("DELETE FROM campaign_incidents WHERE campaign_id = ?", [p.id]);
      await conn.run("DELETE FROM campaigns WHERE id = ?", [p.id]);
    }
    const stored: Campaign = { ...campaign, id };
    const json = JSON.stringify(CampaignSchema.parse(stored));
    const unchanged = keep !== undefined && previous.length === 1 && keep.json === json;
    if (!unchanged) {
      if (keep) await conn.run("UPDATE campaigns SET json = ?, updated_at = ? WHERE id = ?", [json, ctx.at, id]);
      else await conn.run("INSERT INTO campaigns (id, json, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at", [id, json, ctx.at, ctx.at]);
      outcome.campaigns.push(id);
    }
    for (const incidentId of campaign.incidentIds) {
      await conn.run("INSERT INTO campaign_incidents (campaign_id, incident_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [id, incidentId]);
      const inc = incidents.get(incidentId);
      if (!inc) continue;
      const mine = own.get(incidentId);
      if (!mine) {
        if (!wasIn.has(incidentId)) outcome.joinedEarlier.push(incidentId);
        continue;
      }
      const sawMachines = mine.scanCampaign?.scope.machines ?? 1;
      let next: Incident = { ...inc, campaignId: id };
      if (ctx.reassess && sawMachines !== stored.scope.machines) {
        next = ctx.reassess(await ctx.loadFindings(inc.findingIds), inc, { id, scope: stored.scope });
        next.findingIds = inc.findingIds;
      }
      if (JSON.stringify(next) !== JSON.stringify(inc)) await updateIncident(conn, next, ctx.at, inc);
    }
  }
  return outcome;
}

/** Re-assess one stored incident under its campaign (after the scan that linked it committed). */
export async function reassessCampaignMember(conn: SqlConn, incidentId: string, reassess: Reassess, loadFindings: LinkContext["loadFindings"], at: string): Promise<boolean> {
  const row = await conn.get(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`, [incidentId]);
  if (!row) return false;
  const inc = incidentFromRow(row);
  if (inc.status === "closed" || inc.campaignId === undefined) return false;
  const c = await conn.get("SELECT json FROM campaigns WHERE id = ?", [inc.campaignId]);
  if (!c) return false;
  const campaign = CampaignSchema.parse(JSON.parse(colText(c, "json")));
  const next = reassess(await loadFindings(inc.findingIds), inc, { id: campaign.id, scope: campaign.scope });
  next.findingIds = inc.findingIds;
  if (JSON.stringify(next) === JSON.stringify(inc)) return false;
  await updateIncident(conn, next, at, inc);
  return true;
}
