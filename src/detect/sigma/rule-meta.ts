/**
 * Metadata of a Sigma document: the fields every kind shares (title, id, status, level, tags...),
 * checked the way pySigma checks them. Breaking the spec (no title, an unknown level) refuses the
 * rule; style problems (no id, an upper-case tag) are warnings.
 */
import type { Event, FieldValue, Severity } from "../../model/index.js";
import { SEVERITIES } from "../../model/index.js";
import { RULE_STATUSES, SigmaRuleError, type Logsource, type RuleMeta, type RuleStatus, type RuleTestCase } from "./types.js";

type Warn = (code: string, message: string, path: readonly (string | number)[]) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;

function optString(doc: Record<string, unknown>, key: string, warn: Warn): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  warn("metadata-type", `'${key}' should be a string`, [key]);
  return undefined;
}

function stringList(doc: Record<string, unknown>, key: string, warn: Warn): string[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(String);
  warn("metadata-type", `'${key}' should be a list of strings`, [key]);
  return [];
}

export function parseLogsource(v: unknown, required: boolean): Logsource {
  if (v === undefined || v === null) {
    if (required) throw new SigmaRuleError("a rule needs a 'logsource'", ["logsource"]);
    return {};
  }
  if (typeof v !== "object" || Array.isArray(v)) throw new SigmaRuleError("'logsource' must be a map", ["logsource"]);
  const ls: Logsource = {};
  for (const key of ["product", "category", "service"] as const) {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined || x === null) continue;
    if (typeof x !== "string") throw new SigmaRuleError(`logsource ${key} must be a string`, ["logsource", key]);
    ls[key] = x;
  }
  return ls;
}

export function parseMeta(
  doc: Record<string, unknown>, file: string, line: number, docIndex: number, warn: Warn, requireLogsource: boolean,
): RuleMeta {
  const title = doc.title;
  if (typeof title !== "string" || title.trim() === "") throw new SigmaRuleError("a rule needs a 'title'", ["title"]);
  if (title.length > 256) throw new SigmaRuleError(`title is longer than 256 characters (${title.length})`, ["title"]);

  const id = optString(doc, "id", warn);
  if (id === undefined) warn("missing-id", "rule has no 'id' (a UUID)", []);
  else if (!UUID.test(id)) warn("invalid-id", `id '${id}' is not a UUID`, ["id"]);

  const status = optString(doc, "status", warn);
  if (status !== undefined && !(RULE_STATUSES as readonly string[]).includes(status)) {
    throw new SigmaRuleError(`status '${status}' is not one of ${RULE_STATUSES.join(", ")}`, ["status"]);
  }
  const level = optString(doc, "level", warn);
  if (level !== undefined && !(SEVERITIES as readonly string[]).includes(level)) {
    throw new SigmaRuleError(`level '${level}' is not one of ${SEVERITIES.join(", ")}`, ["level"]);
  }
  for (const key of ["date", "modified"]) {
    const d = optString(doc, key, warn);
    if (d !== undefined && !DATE.test(d)) warn("invalid-date", `'${key}' should be YYYY-MM-DD, not '${d}'`, [key]);
  }
  const tags = stringList(doc, "tags", warn);
  for (const t of tags) if (!TAG.test(t)) warn("invalid-tag", `tag '${t}' is not 'namespace.value' in lower case`, ["tags"]);

  const meta: RuleMeta = {
    file, line, docIndex, title,
    references: stringList(doc, "references", warn),
    tags,
    falsepositives: stringList(doc, "falsepositives", warn),
    logsource: parseLogsource(doc.logsource, requireLogsource),
  };
  if (id !== undefined) meta.id = id;
  const name = optString(doc, "name", warn);
  if (name !== undefined) meta.name = name;
  if (status !== undefined) meta.status = status as RuleStatus;
  if (level !== undefined) meta.level = level as Severity;
  const description = optString(doc, "description", warn);
  if (description !== undefined) meta.description = description;
  const author = optString(doc, "author", warn);
  if (author !== undefined) meta.author = author;
  const date = optString(doc, "date", warn);
  if (date !== undefined) meta.date = date;
  const modified = optString(doc, "modified", warn);
  if (modified !== undefined) meta.modified = modified;
  return meta;
}

function flatEventValue(v: unknown): FieldValue | undefined {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "number")) return v as number[];
    if (v.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) return v.map(String);
  }
  return undefined;
}

function parseTestEvent(v: unknown, path: (string | number)[]): Event {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new SigmaRuleError("a test event must be a map of flat ECS fields", path);
  const event: Event = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const fv = flatEventValue(x);
    if (fv === undefined) throw new SigmaRuleError(`test event field '${k}' must be a scalar or a list of scalars`, [...path, k]);
    event[k] = fv;
  }
  return event;
}

/**
 * The embedded tests (our convention, docs/sigma.md): a top-level `tests:` list of
 * `{name?, event: {...}, match: bool}` for detection rules, `{name?, events: [...], match: bool}`
 * for correlations.
 */
export function parseTests(v: unknown, lineOf: (path: readonly (string | number)[]) => number): RuleTestCase[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SigmaRuleError("'tests' must be a list", ["tests"]);
  return v.map((t, i) => {
    const path: (string | number)[] = ["tests", i];
    if (t === null || typeof t !== "object" || Array.isArray(t)) throw new SigmaRuleError("each test must be a map with 'event' (or 'events') and 'match'", path);
    const rec = t as Record<string, unknown>;
    if (typeof rec.match !== "boolean") throw new SigmaRuleError("a test needs 'match: true' or 'match: false'", [...path, "match"]);
    const tc: RuleTestCase = { line: lineOf(path), match: rec.match };
    if (typeof rec.name === "string") tc.name = rec.name;
    if (rec.event !== undefined) tc.event = parseTestEvent(rec.event, [...path, "event"]);
    if (rec.events !== undefined) {
      if (!Array.isArray(rec.events)) throw new SigmaRuleError("'events' must be a list of events", [...path, "events"]);
      tc.events = rec.events.map((e, j) => parseTestEvent(e, [...path, "events", j]));
    }
    if (!tc.event && !tc.events) throw new SigmaRuleError("a test needs 'event' or 'events'", path);
    return tc;
  });
}
