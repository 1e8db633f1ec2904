/**
 * The incident store: one interface, two backends (SQLite file by default, PostgreSQL for a team).
 *
 * Everything here is async because PostgreSQL is; the SQLite backend resolves at once.
 * Every write that belongs to one scan happens in one transaction (see saveScan).
 */
import type { Campaign, CampaignMark, Campaigner, Entities, Finding, Incident, Severity } from "../model/index.js";
import type { Reassess } from "./merge.js";

export type IncidentStatus = Incident["status"];

/** A file that a scan read, fingerprinted so that scanning the same bytes again is recognised. */
export interface ScannedFile {
  path: string;
  size: number;
  /** Modification time in milliseconds since the epoch. */
  mtimeMs: number;
  /** SHA-256 of the file's bytes (as stored on disk, before any gunzip), lower-case hex. */
  sha256: string;
}

/** What one run of the pipeline produced, saved in one transaction. */
export interface ScanInput {
  findings: Finding[];
  incidents: Incident[];
  /** The scan's campaigns (their incident ids are the scan's; the store maps them to stored incidents). */
  campaigns?: Campaign[];
  /**
   * The playbook re-run over a merged incident's findings (pipeline/incident.ts makes one). Without it a merge
   * only links the joining findings and leaves the stored assessment as it was.
   */
  reassess?: Reassess;
  /**
   * Each scan incident's campaign marks (correlate marksOf), by scan incident id. With `campaigner`, the store
   * keeps them and links this scan's incidents to stored ones that share a mark: campaigns span scans and
   * ingest batches (store/campaign-marks.ts). Without them only the scan's own `campaigns` are stored.
   */
  marks?: Record<string, CampaignMark[]>;
  campaigner?: Campaigner;
  /** The files the scan read (empty for stdin or API ingest). */
  files?: ScannedFile[];
  /** Counters the scan wants remembered ("events", "issues", ...). */
  counts?: Record<string, number>;
  /** When the scan started (ISO 8601); defaults to now. */
  startedAt?: string;
  /** Who ran it; defaults to "minerhunt". */
  by?: string;
}

export interface SaveScanProgress {
  phase: "findings" | "incidents";
  done: number;
  total: number;
}

export interface SaveScanOptions {
  /** Called inside the transaction as work advances (progress bars; the crash test uses it). */
  onProgress?: (progress: SaveScanProgress) => void;
}

/** A file of this scan whose exact bytes an earlier scan already read. */
export interface RescannedFile {
  path: string;
  sha256: string;
  previousScanId: number;
  previousPath: string;
  previousScannedAt: string;
}

export interface SaveScanResult {
  scanId: number;
  findings: { received: number; inserted: number; known: number };
  incidents: {
    /** Ids of incidents this scan opened. */
    created: string[];
    /** Ids of stored open incidents that new findings joined. */
    merged: string[];
    /** Stored open incidents the scan matched but added nothing to (a re-scan). */
    unchanged: string[];
    /** Incoming incidents dropped because every finding in them already belongs to a closed incident. */
    alreadyClosed: string[];
  };
  /** Campaigns created or grown by this scan (stored ids). */
  campaigns: string[];
  /** Incidents of earlier scans that this scan's incidents brought into a campaign (re-assessed under it). */
  joinedCampaign: string[];
  rescannedFiles: RescannedFile[];
}

export interface ScanRecord {
  id: number;
  startedAt: string;
  finishedAt: string;
  by: string;
  files: ScannedFile[];
  counts: Record<string, number>;
}

export interface ListIncidentsQuery {
  /** One status or several; all statuses when absent. */
  status?: IncidentStatus | IncidentStatus[];
  /** Minimum severity: "high" lists high and critical. */
  severity?: Severity;
  /** At most this many (default 100). */
  limit?: number;
}

export type TimelineKind =
  | "created"
  | "findings-joined"
  | "status-changed"
  | "checklist-ticked"
  | "checklist-unticked"
  | "note"
  | "assigned"
  | "closed";

export type TimelineValue = string | number | boolean | null | string[];

export interface TimelineEntry {
  id: number;
  incidentId: string;
  /** ISO 8601. */
  at: string;
  /** Who did it (a person's name, or "minerhunt" for scans). */
  actor: string;
  kind: TimelineKind;
  /** Structured detail so any language can render it: {count: 3}, {from: "open", to: "contained"}, ... */
  data: Record<string, TimelineValue>;
}

export interface Note {
  id: number;
  incidentId: string;
  at: string;
  author: string;
  text: string;
}

export interface ActorOptions {
  /** Who does it; recorded in the timeline. */
  by: string;
}

export interface TickOptions extends ActorOptions {
  /** false unticks (an analyst's undo). Default true. */
  done?: boolean;
  answer?: string;
  /**
   * Every item id of the incident's playbook ("analysis.binary-hash", ...). An id that is neither in the
   * incident's checklist nor here is refused (StoreError "invalid", candidates: the valid ids).
   */
  items?: readonly string[];
}

export interface CloseOptions extends ActorOptions {
  reason?: string;
}

/** One record of the append-only, hash-chained audit log. */
export interface AuditRecord {
  /** 1, 2, 3, ... without gaps. */
  seq: number;
  at: string;
  actor: string;
  /** What happened: "action.planned", "action.executed", "action.refused", ... */
  action: string;
  /** What it was done to ("i-0abc", "203.0.113.7"), if anything. */
  target?: string;
  incidentId?: string;
  details: Record<string, unknown>;
  /** Hash of the previous record ("" for the first). */
  prevHash: string;
  /** SHA-256 over this record's content and prevHash. */
  hash: string;
}

export interface AuditInput {
  actor: string;
  action: string;
  target?: string;
  incidentId?: string;
  details?: Record<string, unknown>;
}

export type AuditVerification =
  | { ok: true; count: number; head?: { seq: number; hash: string } }
  | { ok: false; count: number; brokenAt: number; reason: string };

export interface Store extends ResponseRecords {
  /** "sqlite" or "postgres". */
  readonly backend: "sqlite" | "postgres";
  /** Users, API tokens and sessions for the server (store/auth-records.ts). */
  readonly auth: AuthRecords;

  /** Save one scan's findings and incidents in ONE transaction; idempotent (see docs/store.md). */
  saveScan(scan: ScanInput, options?: SaveScanOptions): Promise<SaveScanResult>;
  /** Earlier scans that read a file with these exact bytes, newest first. */
  findScansOfFile(sha256: string): Promise<ScanRecord[]>;
  listScans(limit?: number): Promise<ScanRecord[]>;

  /**
   * Stored incidents that are not closed and share an entity with these, oldest first (merge rules in
   * merge.ts). Without `seen`, the time-windowed kinds (account, pool, ...) match whatever the time.
   */
  findOpenIncidentsByEntities(entities: Entities, seen?: { firstSeen: string; lastSeen: string }): Promise<Incident[]>;
  listIncidents(query?: ListIncidentsQuery): Promise<Incident[]>;
  /** By full id or by a unique prefix of it; undefined when nothing matches; StoreError "ambiguous" when several do. */
  getIncident(idOrPrefix: string): Promise<Incident | undefined>;
  /** A stored campaign by id (Incident.campaignId). */
  getCampaign(id: string): Promise<Campaign | undefined>;
  listFindings(incidentId: string): Promise<Finding[]>;
  getFindings(ids: readonly string[]): Promise<Finding[]>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
  notes(incidentId: string): Promise<Note[]>;

  setStatus(incidentId: string, status: IncidentStatus, options: ActorOptions & { reason?: string }): Promise<Incident>;
  assign(incidentId: string, assignee: string, options: ActorOptions): Promise<Incident>;
  addNote(incidentId: string, text: string, options: ActorOptions): Promise<Note>;
  tickChecklist(incidentId: string, itemId: string, options: TickOptions): Promise<Incident>;
  /** Close an incident. */
  closeIncident(incidentId: string, options: CloseOptions): Promise<Incident>;

  appendAudit(record: AuditInput): Promise<AuditRecord>;
  auditRecords(fromSeq?: number, limit?: number): Promise<AuditRecord[]>;
  verifyAuditChain(): Promise<AuditVerification>;

  /** Problems found by the database's own checks plus dangling links; empty when all is well. */
  integrityCheck(): Promise<string[]>;

  /** close(incidentId, options) closes an incident; close() closes the connection. */
  close(): Promise<void>;
  close(incidentId: string, options: CloseOptions): Promise<Incident>;
}

export type StoreErrorCode = "not-found" | "ambiguous" | "invalid" | "location" | "io";

/** An error a person can act on: what was asked, what was wrong. */
export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string, readonly candidates: string[] = []) {
    super(message);
    this.name = "StoreError";
  }
}

export interface OpenStoreOptions {
  /** Clock for tests; default the system clock. */
  now?: () => Date;
  /**
   * File the audit chain's head is appended to after every committed audit record (store/audit-head.ts);
   * openStore defaults it to MINERHUNT_AUDIT_HEAD, else `<sqlite file>.audit-head`. None: not written.
   */
  auditHead?: string;
  /** Findings that share only an account, user, pool... join an open incident when within this many hours (default 24). */
  correlationWindowHours?: number;
}

/**
 * Response records (respond/ writes them, the server and reports read them). Plans are stored whole;
 * approvals and step runs are appended, never updated, and each also goes to the audit log.
 */
export interface ResponseRecords {
  savePlan(plan: import("../model/index.js").Plan): Promise<void>;
  getPlan(idOrPrefix: string): Promise<import("../model/index.js").Plan | undefined>;
  /** Newest first; all plans when no incident is given. */
  listPlans(incidentId?: string): Promise<import("../model/index.js").Plan[]>;
  addApproval(approval: import("../model/index.js").Approval): Promise<void>;
  approvals(planId: string): Promise<import("../model/index.js").Approval[]>;
  addStepRun(run: import("../model/index.js").StepRun): Promise<void>;
  /** In the order they were written. */
  stepRuns(planId: string): Promise<import("../model/index.js").StepRun[]>;
}

/** A person (or service) who may sign in to the server; roles are apps/server/contract.ts's, kept as text here. */
export interface UserRecord {
  name: string;
  displayName?: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  /** Local password set (OIDC-only users have none). */
  hasPassword: boolean;
}

/** An API token as stored: never the token itself, only its SHA-256. */
export interface TokenRecord {
  /** Short public id ("tok_..."), shown in listings and used to revoke. */
  id: string;
  userName: string;
  label: string;
  /** The token's role; what it may do is the lower of this and its user's current role. */
  role: string;
  sha256: string;
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value. */
  idSha256: string;
  userName: string;
  via: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

/** Users, API tokens and sessions (migration 4); server/auth decides, this only keeps. */
export interface AuthRecords {
  addUser(user: { name: string; role: string; displayName?: string; passwordHash?: string; createdAt: string }): Promise<void>;
  getUser(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  passwordHash(name: string): Promise<string | undefined>;
  /** StoreError "not-found" when there is no such user. */
  setPassword(name: string, passwordHash: string): Promise<void>;
  setDisabled(name: string, disabled: boolean): Promise<void>;
  setRole(name: string, role: string): Promise<void>;

  addToken(token: TokenRecord): Promise<void>;
  tokenBySha256(sha256: string): Promise<TokenRecord | undefined>;
  listTokens(userName?: string): Promise<TokenRecord[]>;
  /** false when there is no such token or it was already revoked. */
  revokeToken(id: string, at: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;

  addSession(session: SessionRecord): Promise<void>;
  sessionBySha256(idSha256: string): Promise<SessionRecord | undefined>;
  deleteSession(idSha256: string): Promise<void>;
  /** Every session of a user (password changed, user disabled); returns how many. */
  deleteUserSessions(userName: string): Promise<number>;
  deleteExpiredSessions(now: string): Promise<number>;
}
