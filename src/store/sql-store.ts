/**
 * The Store, written once over the small SQL layer in sql.ts; the backends differ only in their driver.
 */
import type { Approval, Campaign, ChecklistItemState, Entities, Finding, Incident, Plan, StepRun } from "../model/index.js";
import { SEVERITIES, severityRank } from "../model/index.js";
import { CampaignSchema } from "../model/schemas.js";
import { auditHash, canonicalJson, ChainVerifier } from "./audit.js";
import { appendAuditHead } from "./audit-head.js";
import { addTimeline, loadIncident, updateIncident } from "./incident-writes.js";
import { migrate } from "./migrations.js";
import { INCIDENT_COLUMNS, auditFromRow, findingFromRow, incidentFromRow, noteFromRow, scanFromRow, scannedFileFromRow, timelineFromRow } from "./rows.js";
import { loadFindings, openIncidentsByEntities, saveScanIn } from "./save-scan.js";
import { reassessCampaignMember } from "./campaign-marks.js";
import type { SqlConn, SqlDriver, SqlValue } from "./sql.js";
import { chunks, colNum, colText, placeholders } from "./sql.js";
import type {
  ActorOptions, AuditInput, AuditRecord, AuditVerification, CloseOptions, IncidentStatus, ListIncidentsQuery, Note,
  OpenStoreOptions, SaveScanOptions, SaveScanResult, ScanInput, ScanRecord, Store, TickOptions, TimelineEntry, TimelineKind, TimelineValue,
} from "./types.js";
import { StoreError } from "./types.js";
import { AUDIT_LOCK, incidentLockKeys, lockStripes, scanLockKeys } from "./locks.js";
import { SqlAuthRecords } from "./auth-records.js";
import {
  auditOfApproval, auditOfPlan, auditOfStepRun, insertApproval, insertStepRun, selectApprovals, selectPlan, selectPlans, selectStepRuns, upsertPlan,
} from "./response-records.js";

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 10_000;
/** Bounds on what a person types, so one command cannot bloat every later read. */
const MAX_NOTE_CHARS = 20_000;
const MAX_SHORT_TEXT_CHARS = 2_000;
const CHECKLIST_PHASES: readonly ChecklistItemState["phase"][] = ["analysis", "containment", "eradication", "recovery"];
const STATUSES: readonly IncidentStatus[] = ["open", "contained", "eradicated", "recovered", "closed"];
const AUDIT_PAGE = 1_000;
/** Any number will do as long as every minerhunt process uses the same one (migrations use another). */

function requireText(value: string, what: string, max: number): string {
  const text = value.trim();
  if (text === "") throw new StoreError("invalid", `${what} is empty`);
  if (text.length > max) throw new StoreError("invalid", `${what} is ${text.length} characters; at most ${max} are kept`);
  return text;
}

export class SqlStore implements Store {
  readonly backend: "sqlite" | "postgres";
  readonly auth: SqlAuthRecords;
  private readonly now: () => Date;
  private readonly windowHours: number;
  private readonly auditHead: string | undefined;
  /** The last audit record each open transaction appended, written to the head file once it commits. */
  private readonly appended = new WeakMap<SqlConn, AuditRecord>();

  private constructor(private readonly driver: SqlDriver, options: OpenStoreOptions) {
    this.backend = driver.dialect;
    this.auth = new SqlAuthRecords(driver);
    this.auditHead = options.auditHead;
    this.now = options.now ?? (() => new Date());
    this.windowHours = options.correlationWindowHours ?? 24;
  }

  /** Open over a driver and bring its schema up to date. */
  static async open(driver: SqlDriver, options: OpenStoreOptions = {}): Promise<SqlStore> {
    const store = new SqlStore(driver, options);
    try {
      await migrate(driver, store.now);
    } catch (err) {
      await driver.close();
      throw err;
    }
    return store;
  }

  private at(): string {
    return this.now().toISOString();
  }

  /**
   * Every write runs here: one transaction. SQLite's BEGIN IMMEDIATE admits one writer. On PostgreSQL writes
   * lock what they touch, not the database (store/locks.ts): a scan locks the entities of its incidents, an
   * analyst's change the incident's entities and the audit chain. Two scans about different machines run at
   * once; two scans about one host, or a scan and an analyst on one incident, take turns.
   */
  private async write<T>(fn: (conn: SqlConn) => Promise<T>, lockKeys: (conn: SqlConn) => Promise<string[]> | string[]): Promise<T> {
    let last: AuditRecord | undefined;
    const result = await this.driver.withTransaction(async (conn) => {
      this.appended.delete(conn);
      if (this.backend === "postgres") await lockStripes(conn, await lockKeys(conn));
      const out = await fn(conn);
      last = this.appended.get(conn);
      this.appended.delete(conn);
      return out;
    });
    // Only after the commit: a head ahead of the database would look like removed records.
    if (last && this.auditHead !== undefined) appendAuditHead(this.auditHead, last);
    return result;
  }

  /** What an analyst's change to one incident locks: its entities, its id, and the audit chain it appends to. */
  private async incidentLockKeys(conn: SqlConn, idOrPrefix: string): Promise<string[]> {
    const id = await this.resolveId(conn, idOrPrefix);
    const inc = id === undefined ? undefined : await loadIncident(conn, id);
    return inc ? [...incidentLockKeys(inc), AUDIT_LOCK] : [AUDIT_LOCK];
  }

  // ---- scans ---------------------------------------------------------------------------------

  async saveScan(scan: ScanInput, options: SaveScanOptions = {}): Promise<SaveScanResult> {
    const result = await this.write((conn) => saveScanIn(conn, scan, { at: this.at(), windowHours: this.windowHours }, options), () => scanLockKeys(scan));
    // Incidents of earlier scans that joined a campaign: re-assessed one by one under their own locks, after the
    // scan committed (taking their locks inside the scan's transaction could deadlock with an analyst's write).
    const reassess = scan.reassess;
    if (reassess) {
      for (const id of result.joinedCampaign) {
        await this.write((conn) => reassessCampaignMember(conn, id, reassess, (ids) => loadFindings(conn, ids), this.at()),
          (conn) => this.incidentLockKeys(conn, id));
      }
    }
    return result;
  }

  private async scansWhere(conn: SqlConn, where: string, params: SqlValue[], limit: number): Promise<ScanRecord[]> {
    const rows = await conn.all(`SELECT * FROM scans ${where} ORDER BY id DESC LIMIT ?`, [...params, limit]);
    const out: ScanRecord[] = [];
    for (const row of rows) {
      const files = await conn.all("SELECT * FROM scan_files WHERE scan_id = ? ORDER BY path", [colNum(row, "id")]);
      out.push(scanFromRow(row, files.map(scannedFileFromRow)));
    }
    return out;
  }

  findScansOfFile(sha256: string): Promise<ScanRecord[]> {
    return this.driver.withConnection((conn) =>
      this.scansWhere(conn, "WHERE id IN (SELECT scan_id FROM scan_files WHERE sha256 = ?)", [sha256.toLowerCase()], MAX_LIST_LIMIT));
  }

  listScans(limit = DEFAULT_LIST_LIMIT): Promise<ScanRecord[]> {
    return this.driver.withConnection((conn) => this.scansWhere(conn, "", [], Math.min(limit, MAX_LIST_LIMIT)));
  }

  // ---- reads ---------------------------------------------------------------------------------

  findOpenIncidentsByEntities(entities: Entities, seen?: { firstSeen: string; lastSeen: string }): Promise<Incident[]> {
    return this.driver.withConnection(async (conn) =>
      (await openIncidentsByEntities(conn, entities, seen, this.windowHours)).map((c) => c.incident));
  }

  async listIncidents(query: ListIncidentsQuery = {}): Promise<Incident[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.status !== undefined) {
      const statuses = Array.isArray(query.status) ? query.status : [query.status];
      for (const s of statuses) if (!STATUSES.includes(s)) throw new StoreError("invalid", `status "${s}": expected one of ${STATUSES.join(", ")}`);
      where.push(`status IN (${placeholders(statuses.length)})`);
      params.push(...statuses);
    }
    if (query.severity !== undefined) {
      if (!SEVERITIES.includes(query.severity)) throw new StoreError("invalid", `severity "${query.severity}": expected one of ${SEVERITIES.join(", ")}`);
      where.push("severity_rank >= ?");
      params.push(severityRank(query.severity));
    }
    const limit = Math.max(1, Math.min(query.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT));
    // Sort and limit on the small columns first, then read JSON (and the campaign subquery) for the rows kept only:
    // with 10,000 incidents the one-step query sorted every row's JSON (server API bench, docs/server.md).
    const order = "ORDER BY priority, severity_rank DESC, last_seen DESC, id";
    const sql = `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id IN (SELECT id FROM incidents ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ${order} LIMIT ?) ${order}`;
    return this.driver.withConnection(async (conn) => (await conn.all(sql, [...params, limit])).map(incidentFromRow));
  }

  /** Full id, or a prefix that names exactly one incident. */
  private async resolveId(conn: SqlConn, idOrPrefix: string): Promise<string | undefined> {
    if (idOrPrefix === "") return undefined;
    if (await conn.get("SELECT id FROM incidents WHERE id = ?", [idOrPrefix])) return idOrPrefix;
    const rows = await conn.all("SELECT id FROM incidents WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 11", [idOrPrefix.length, idOrPrefix]);
    if (rows.length > 1) {
      const ids = rows.map((r) => colText(r, "id"));
      throw new StoreError("ambiguous", `"${idOrPrefix}" matches several incidents: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", ..." : ""}`, ids);
    }
    return rows[0] ? colText(rows[0], "id") : undefined;
  }

  private async requireIncident(conn: SqlConn, idOrPrefix: string): Promise<Incident> {
    const id = await this.resolveId(conn, idOrPrefix);
    const inc = id === undefined ? undefined : await loadIncident(conn, id);
    if (!inc) throw new StoreError("not-found", `no incident "${idOrPrefix}" (minerhunt incident list shows the ids)`);
    return inc;
  }

  getIncident(idOrPrefix: string): Promise<Incident | undefined> {
    return this.driver.withConnection(async (conn) => {
      const id = await this.resolveId(conn, idOrPrefix);
      return id === undefined ? undefined : loadIncident(conn, id);
    });
  }

  getCampaign(id: string): Promise<Campaign | undefined> {
    return this.driver.withConnection(async (conn) => {
      const row = await conn.get("SELECT json FROM campaigns WHERE id = ?", [id]);
      return row ? CampaignSchema.parse(JSON.parse(colText(row, "json"))) : undefined;
    });
  }

  listFindings(incidentId: string): Promise<Finding[]> {
    return this.driver.withConnection(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      const rows = await conn.all(
        `SELECT f.id, f.json FROM incident_findings l JOIN findings f ON f.id = l.finding_id
         WHERE l.incident_id = ? ORDER BY f.first_seen, f.id`, [inc.id]);
      return rows.map(findingFromRow);
    });
  }

  getFindings(ids: readonly string[]): Promise<Finding[]> {
    return this.driver.withConnection(async (conn) => {
      const byId = new Map<string, Finding>();
      for (const batch of chunks([...new Set(ids)], 500)) {
        for (const row of await conn.all(`SELECT id, json FROM findings WHERE id IN (${placeholders(batch.length)})`, batch)) {
          const f = findingFromRow(row);
          byId.set(f.id, f);
        }
      }
      return ids.flatMap((id) => byId.get(id) ?? []);
    });
  }

  timeline(incidentId: string): Promise<TimelineEntry[]> {
    return this.driver.withConnection(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      return (await conn.all("SELECT * FROM timeline WHERE incident_id = ? ORDER BY id", [inc.id])).map(timelineFromRow);
    });
  }

  notes(incidentId: string): Promise<Note[]> {
    return this.driver.withConnection(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      return (await conn.all("SELECT * FROM notes WHERE incident_id = ? ORDER BY id", [inc.id])).map(noteFromRow);
    });
  }

  // ---- analyst operations: each one transaction, each leaves a timeline entry --------------------

  async setStatus(incidentId: string, status: IncidentStatus, options: ActorOptions & { reason?: string }): Promise<Incident> {
    if (!STATUSES.includes(status)) throw new StoreError("invalid", `status "${status}": expected one of ${STATUSES.join(", ")}`);
    if (status === "closed") return this.closeIncident(incidentId, options);
    const by = requireText(options.by, "who changes the status", MAX_SHORT_TEXT_CHARS);
    return this.write(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      if (inc.status === status) return inc;
      const at = this.at();
      const changed: Incident = { ...inc, status };
      await updateIncident(conn, changed, at, inc);
      const data: Record<string, string> = { from: inc.status, to: status };
      if (options.reason) data["reason"] = requireText(options.reason, "the reason", MAX_SHORT_TEXT_CHARS);
      await this.recordChange(conn, inc.id, at, by, "status-changed", data);
      return changed;
    }, (conn) => this.incidentLockKeys(conn, incidentId));
  }

  async assign(incidentId: string, assignee: string, options: ActorOptions): Promise<Incident> {
    const by = requireText(options.by, "who assigns", MAX_SHORT_TEXT_CHARS);
    const to = assignee.trim();
    if (to.length > MAX_SHORT_TEXT_CHARS) throw new StoreError("invalid", `assignee is ${to.length} characters; at most ${MAX_SHORT_TEXT_CHARS}`);
    return this.write(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      if ((inc.assignee ?? "") === to) return inc;
      const at = this.at();
      const changed: Incident = { ...inc };
      // An empty name takes the incident back from whoever had it.
      if (to === "") delete changed.assignee;
      else changed.assignee = to;
      await updateIncident(conn, changed, at, inc);
      await this.recordChange(conn, inc.id, at, by, "assigned", { from: inc.assignee ?? null, to: to === "" ? null : to });
      return changed;
    }, (conn) => this.incidentLockKeys(conn, incidentId));
  }

  async addNote(incidentId: string, text: string, options: ActorOptions): Promise<Note> {
    const by = requireText(options.by, "the note's author", MAX_SHORT_TEXT_CHARS);
    const body = requireText(text, "the note", MAX_NOTE_CHARS);
    return this.write(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      const at = this.at();
      const row = await conn.get("INSERT INTO notes (incident_id, at, author, body) VALUES (?, ?, ?, ?) RETURNING id", [inc.id, at, by, body]);
      if (!row) throw new Error("store: inserting the note returned no id");
      const id = colNum(row, "id");
      await this.recordChange(conn, inc.id, at, by, "note", { note: id, excerpt: body.slice(0, 200) });
      return { id, incidentId: inc.id, at, author: by, text: body };
    }, (conn) => this.incidentLockKeys(conn, incidentId));
  }

  async tickChecklist(incidentId: string, itemId: string, options: TickOptions): Promise<Incident> {
    const by = requireText(options.by, "who ticks the item", MAX_SHORT_TEXT_CHARS);
    const item = requireText(itemId, "the checklist item id", 200);
    const answer = options.answer === undefined ? undefined : requireText(options.answer, "the answer", MAX_NOTE_CHARS);
    const done = options.done ?? true;
    return this.write(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      const at = this.at();
      const checklist = inc.checklist.map((c) => ({ ...c }));
      let state = checklist.find((c) => c.id === item);
      if (!state) {
        // Only the playbook's items: the incident's own checklist (the assessment lists every item) and the
        // items the caller knows from the playbook. A mistyped id is refused, never counted.
        const known = [...new Set([...checklist.map((c) => c.id), ...(options.items ?? [])])];
        const phase = CHECKLIST_PHASES.find((p) => item.startsWith(`${p}.`));
        if (!phase || !known.includes(item)) {
          throw new StoreError("invalid",
            `unknown checklist item "${item}": expected ${known.length ? `one of ${known.join(", ")}` : `an id starting with ${CHECKLIST_PHASES.map((p) => `${p}.`).join(", ")}`}`,
            known);
        }
        state = { id: item, phase, done: false };
        checklist.push(state);
      }
      state.done = done;
      state.answeredBy = "analyst";
      state.by = by;
      state.at = at;
      if (answer !== undefined) state.answer = answer;
      else if (!done) delete state.answer;
      const changed: Incident = { ...inc, checklist };
      await updateIncident(conn, changed, at, inc);
      const data: Record<string, string> = { item };
      if (answer !== undefined) data["answer"] = answer;
      await this.recordChange(conn, inc.id, at, by, done ? "checklist-ticked" : "checklist-unticked", data);
      return changed;
    }, (conn) => this.incidentLockKeys(conn, incidentId));
  }

  async closeIncident(incidentId: string, options: CloseOptions): Promise<Incident> {
    const by = requireText(options.by, "who closes the incident", MAX_SHORT_TEXT_CHARS);
    const reason = options.reason === undefined ? undefined : requireText(options.reason, "the reason", MAX_NOTE_CHARS);
    return this.write(async (conn) => {
      const inc = await this.requireIncident(conn, incidentId);
      if (inc.status === "closed") return inc;
      const at = this.at();
      const changed: Incident = { ...inc, status: "closed" };
      await updateIncident(conn, changed, at, inc);
      const data: Record<string, string> = { from: inc.status };
      if (reason !== undefined) data["reason"] = reason;
      await this.recordChange(conn, inc.id, at, by, "closed", data);
      return changed;
    }, (conn) => this.incidentLockKeys(conn, incidentId));
  }

  // ---- audit -----------------------------------------------------------------------------------

  async appendAudit(input: AuditInput): Promise<AuditRecord> {
    // One writer at a time (write()), so two records never chain onto the same head.
    return this.write((conn) => this.appendAuditIn(conn, input), () => [AUDIT_LOCK]);
  }

  /** Append to the hash chain inside the caller's transaction (analyst operations audit themselves so). */
  private async appendAuditIn(conn: SqlConn, input: AuditInput): Promise<AuditRecord> {
    const actor = requireText(input.actor, "the audit actor", MAX_SHORT_TEXT_CHARS);
    const action = requireText(input.action, "the audit action", MAX_SHORT_TEXT_CHARS);
    const detailsJson = canonicalJson(input.details ?? {});
    const last = await conn.get("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    const record: AuditRecord = {
      seq: last ? colNum(last, "seq") + 1 : 1,
      at: this.at(),
      actor,
      action,
      details: JSON.parse(detailsJson) as Record<string, unknown>,
      prevHash: last ? colText(last, "hash") : "",
      hash: "",
    };
    if (input.target !== undefined) record.target = input.target;
    if (input.incidentId !== undefined) record.incidentId = input.incidentId;
    record.hash = auditHash({
      seq: record.seq, at: record.at, actor, action, target: record.target ?? null,
      incidentId: record.incidentId ?? null, detailsJson, prevHash: record.prevHash,
    });
    await conn.run(
      `INSERT INTO audit (seq, at, actor, action, target, incident_id, details_json, prev_hash, hash) VALUES (${placeholders(9)})`,
      [record.seq, record.at, actor, action, record.target ?? null, record.incidentId ?? null, detailsJson, record.prevHash, record.hash],
    );
    this.appended.set(conn, record);
    return record;
  }

  /** An analyst's change: a timeline entry for the case and a record in the hash-chained audit log, in one transaction. */
  private async recordChange(conn: SqlConn, incidentId: string, at: string, by: string, kind: TimelineKind, data: Record<string, TimelineValue>): Promise<void> {
    await addTimeline(conn, incidentId, at, by, kind, data);
    await this.appendAuditIn(conn, { actor: by, action: `incident.${kind}`, target: incidentId, incidentId, details: data });
  }

  auditRecords(fromSeq = 1, limit = AUDIT_PAGE): Promise<AuditRecord[]> {
    return this.driver.withConnection(async (conn) =>
      (await conn.all("SELECT * FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?", [fromSeq, Math.min(limit, MAX_LIST_LIMIT)]))
        .map((r) => auditFromRow(r).record));
  }

  verifyAuditChain(): Promise<AuditVerification> {
    return this.driver.withConnection(async (conn) => {
      const verifier = new ChainVerifier();
      // Paged by seq so a long log is never held whole; row order, not seq arithmetic, finds gaps.
      let after = 0;
      for (;;) {
        const rows = await conn.all("SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", [after, AUDIT_PAGE]);
        for (const row of rows) {
          const { record, detailsJson } = auditFromRow(row);
          if (!verifier.push(record, detailsJson)) return verifier.result();
          after = record.seq;
        }
        if (rows.length < AUDIT_PAGE) return verifier.result();
      }
    });
  }

  // ---- response records (response-records.ts): each write and its audit record in one transaction ----

  savePlan(plan: Plan): Promise<void> {
    return this.write(async (conn) => {
      const existed = await upsertPlan(conn, plan, this.at());
      await this.appendAuditIn(conn, auditOfPlan(plan, existed));
    }, () => [AUDIT_LOCK]);
  }

  getPlan(idOrPrefix: string): Promise<Plan | undefined> {
    return this.driver.withConnection((conn) => selectPlan(conn, idOrPrefix));
  }

  listPlans(incidentId?: string): Promise<Plan[]> {
    return this.driver.withConnection((conn) => selectPlans(conn, incidentId, MAX_LIST_LIMIT));
  }

  addApproval(approval: Approval): Promise<void> {
    return this.write(async (conn) => {
      const plan = await insertApproval(conn, approval);
      await this.appendAuditIn(conn, auditOfApproval(approval, plan.incidentId));
    }, () => [AUDIT_LOCK]);
  }

  approvals(planId: string): Promise<Approval[]> {
    return this.driver.withConnection((conn) => selectApprovals(conn, planId));
  }

  addStepRun(run: StepRun): Promise<void> {
    return this.write(async (conn) => {
      const plan = await insertStepRun(conn, run);
      await this.appendAuditIn(conn, auditOfStepRun(run, plan.incidentId));
    }, () => [AUDIT_LOCK]);
  }

  stepRuns(planId: string): Promise<StepRun[]> {
    return this.driver.withConnection((conn) => selectStepRuns(conn, planId));
  }

  // ---- housekeeping ----------------------------------------------------------------------------

  async integrityCheck(): Promise<string[]> {
    const problems = await this.driver.nativeIntegrityCheck();
    await this.driver.withConnection(async (conn) => {
      const dangling = await conn.get(
        "SELECT COUNT(*) AS n FROM incident_findings l LEFT JOIN findings f ON f.id = l.finding_id WHERE f.id IS NULL");
      if (dangling && colNum(dangling, "n") > 0) problems.push(`${colNum(dangling, "n")} incident links point at missing findings`);
      const rows = await conn.all(
        `SELECT i.id, i.json, (SELECT COUNT(*) FROM incident_findings l WHERE l.incident_id = i.id) AS links FROM incidents i`);
      for (const row of rows) {
        const inc = incidentFromRow(row);
        if (inc.findingIds.length !== colNum(row, "links")) {
          problems.push(`incident ${inc.id} lists ${inc.findingIds.length} findings but ${colNum(row, "links")} are linked`);
        }
      }
    });
    return problems;
  }

  close(): Promise<void>;
  close(incidentId: string, options: CloseOptions): Promise<Incident>;
  async close(incidentId?: string, options?: CloseOptions): Promise<void | Incident> {
    if (incidentId === undefined) return this.driver.close();
    if (!options) throw new StoreError("invalid", "closing an incident needs {by}: who closes it");
    return this.closeIncident(incidentId, options);
  }
}
