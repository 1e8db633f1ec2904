/**
 * Microsoft Defender for Cloud alerts.
 *
 * Shapes read:
 *  - Sentinel / Log Analytics `SecurityAlert` rows (`AlertType`, `AlertName`, `ExtendedProperties` and
 *    `Entities` as JSON strings or objects), one per line, in an array, or as a Log Analytics query
 *    API response (`{"tables":[{"columns":[...],"rows":[[...]]}]}`);
 *  - the Defender REST/ARM alert (`{"id","name","type":"Microsoft.Security/Locations/alerts",
 *    "properties":{alertType, alertDisplayName, compromisedEntity, extendedProperties, entities, ...}}`)
 *    and its list (`{"value":[...]}`);
 *  - Microsoft Graph security alerts (`#microsoft.graph.security.alert`, `evidence[]`).
 *
 * Sample alerts (`SIMULATED_` type prefix, "Sample alert" titles) are marked `minerhunt.sample` and
 * their rule name is the real type without the prefix, so detectors treat them as that type.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { type EntityFacts, entityList, factsFromEntities, factsFromGraphEvidence } from "./defender-entities.js";
import { newEvent, setList, setNum, setStr } from "./event.js";
import { type JsonNode, readJsonNodes } from "./json-doc.js";
import { type RecordRef, refOf } from "./records.js";
import { anyOf, hasAll, hasAny, jsonHead, key } from "./sniff-json.js";
import { type JsonObject, asArray, asNumber, asObject, asString, baseName, firstOf, getCI, parseJsonField, toIso } from "./values.js";

export const DEFENDER_ID = "azure.defender";
const SIMULATED_PREFIX = "SIMULATED_";
/**
 * What every verdict of sniff() needs: AlertType (Sentinel rows, and the column of a Log Analytics response),
 * alertType (REST), the ARM alert type, the Graph alert type, or providerAlertId (Graph).
 */
const MAY_BE_DEFENDER = anyOf(key("AlertType"), key("alertType"), "Microsoft.Security/Locations/alerts", "#microsoft.graph.security.alert",
  key("providerAlertId"));

export const defenderSource: Source = {
  id: DEFENDER_ID,
  title: "Microsoft Defender for Cloud alerts (Sentinel SecurityAlert rows, REST/ARM alerts, Graph security alerts)",
  emits: [{ dataset: "azure.defender", categories: ["intrusion_detection"], sigma: ["azure/defender"] }],
  sniff(sample: Sample): number {
    const t = jsonHead(sample);
    if (!t || !MAY_BE_DEFENDER(t)) return 0;
    if (hasAll(t, key("AlertType"), key("AlertName")) || (hasAll(t, key("AlertType"), key("SystemAlertId")))) return 0.95;
    if (hasAll(t, key("alertType"), key("compromisedEntity")) || t.includes("Microsoft.Security/Locations/alerts")) return 0.95;
    if (t.includes("#microsoft.graph.security.alert") || hasAll(t, key("providerAlertId"), key("serviceSource"), key("detectionSource"))) return 0.9;
    // A Log Analytics query API response over the SecurityAlert table: the column names give it away.
    if (hasAll(t, key("tables"), key("columns"), key("rows")) && hasAny(t, '"AlertType"', '"name":"AlertType"', '"name": "AlertType"')) return 0.9;
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseDefender(input, ctx);
  },
};

/** A record reference; Log Analytics rows are arrays that become objects by their column names. */
type DefenderRef = RecordRef & { columns?: string[] };

async function* parseDefender(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of defenderRecords(top, 0, ctx)) {
      let value: unknown;
      try {
        value = ref.node.value();
      } catch (err) {
        ctx.issue(ref.line, `${ref.label}: ${(err as Error).message}; expected a Defender for Cloud alert`);
        continue;
      }
      const rec = ref.columns ? zipRow(ref.columns, value) : asObject(value);
      const alert = rec ? normaliseAlert(rec) : undefined;
      if (!alert) {
        ctx.issue(ref.line, `${ref.label}: not a Defender for Cloud alert: expected AlertType (SecurityAlert), properties.alertType (REST) or a Graph security alert`);
        continue;
      }
      yield defenderEvent(alert, { path: input.path, line: ref.line, format: DEFENDER_ID });
    }
  }
}

function* defenderRecords(node: JsonNode, depth: number, ctx: ParseContext): Generator<DefenderRef> {
  if (node.isArray && depth === 0) {
    for (const el of node.elements()) yield* defenderRecords(el, depth + 1, ctx);
    return;
  }
  if (!node.isObject) { yield refOf(node); return; }
  const list = node.member("value");
  if (list?.isArray) {
    for (const el of list.elements()) yield refOf(el);
    return;
  }
  const tables = node.member("tables");
  if (tables?.isArray) {
    for (const table of tables.elements()) {
      let columns: string[] = [];
      try {
        columns = asArray(table.member("columns")?.value()).map((c) => asString(getCI(asObject(c), "name")) ?? "");
      } catch (err) {
        ctx.issue(table.line, `${table.path}.columns: ${(err as Error).message}`);
        continue;
      }
      for (const row of table.member("rows")?.elements() ?? []) yield { ...refOf(row), columns };
    }
    return;
  }
  yield refOf(node);
}

function zipRow(columns: string[], row: unknown): JsonObject | undefined {
  if (!Array.isArray(row)) return undefined;
  const o = Object.create(null) as JsonObject; // column names are input: "__proto__" must stay a key
  columns.forEach((c, i) => { if (c) o[c] = row[i]; });
  return o;
}

/** One alert, whatever the shape, in the terms the event mapping needs. */
interface DefenderAlert {
  type?: string;
  displayName?: string;
  description?: string;
  severity?: unknown;
  start?: unknown;
  end?: unknown;
  generated?: unknown;
  id?: string;
  resourceIds: string[];
  compromisedEntity?: string;
  extended?: JsonObject;
  facts: EntityFacts;
  link?: string;
  tactics: string[];
  techniques: string[];
  status?: string;
  product?: string;
  /** The ARM alert id names its location: /subscriptions/../locations/<region>/alerts/<name>. */
  location?: string;
}

function splitList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(asString).filter((x): x is string => x !== undefined);
  const s = asString(v);
  if (!s) return [];
  const parsed = parseJsonField(s, 64 * 1024);
  if (Array.isArray(parsed)) return splitList(parsed);
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

function normaliseAlert(rec: JsonObject): DefenderAlert | undefined {
  const props = asObject(rec.properties);
  if (props && (props.alertType !== undefined || props.alertDisplayName !== undefined)) {
    const id = asString(rec.id);
    const resourceIds = asArray(props.resourceIdentifiers).map((r) => asString(getCI(asObject(r), "azureResourceId"))).filter((x): x is string => x !== undefined);
    const loc = id ? /\/locations\/([^/]+)\/alerts\//i.exec(id)?.[1] : undefined;
    return {
      type: asString(props.alertType), displayName: asString(props.alertDisplayName), description: asString(props.description),
      severity: props.severity, start: props.startTimeUtc, end: props.endTimeUtc, generated: props.timeGeneratedUtc,
      id: asString(props.systemAlertId) ?? asString(rec.name), resourceIds: id && resourceIds.length === 0 ? [id] : resourceIds,
      compromisedEntity: asString(props.compromisedEntity), extended: asObject(parseJsonField(props.extendedProperties)),
      facts: factsFromEntities(entityList(props.entities)), link: asString(props.alertUri),
      tactics: splitList(props.intent), techniques: splitList(props.techniques), status: asString(props.status),
      product: asString(props.productComponentName), location: loc,
    };
  }
  if (asString(rec["@odata.type"])?.endsWith("microsoft.graph.security.alert") || (rec.providerAlertId !== undefined && rec.serviceSource !== undefined)) {
    const detector = asString(rec.detectorId);
    // Graph has no alert-type field; Defender for Cloud puts its type token in detectorId (no spaces, an underscore).
    const type = detector && /^[A-Za-z0-9_.]+$/.test(detector) && detector.includes("_") ? detector : undefined;
    return {
      type, displayName: asString(rec.title), description: asString(rec.description), severity: rec.severity,
      start: rec.firstActivityDateTime, end: rec.lastActivityDateTime, generated: rec.createdDateTime,
      id: asString(rec.providerAlertId) ?? asString(rec.id), resourceIds: [], facts: factsFromGraphEvidence(rec.evidence),
      link: asString(rec.alertWebUrl), tactics: splitList(rec.category), techniques: splitList(rec.mitreTechniques),
      status: asString(rec.status), product: asString(rec.serviceSource),
    };
  }
  const type = asString(getCI(rec, "AlertType"));
  if (type === undefined) return undefined;
  return {
    type, displayName: asString(firstOf(rec, "AlertName", "DisplayName")), description: asString(getCI(rec, "Description")),
    severity: getCI(rec, "AlertSeverity"), start: firstOf(rec, "StartTime", "StartTimeUtc"), end: firstOf(rec, "EndTime", "EndTimeUtc"),
    generated: firstOf(rec, "TimeGenerated"), id: asString(firstOf(rec, "SystemAlertId", "VendorOriginalId")),
    resourceIds: splitList(getCI(rec, "ResourceId")).slice(0, 1), compromisedEntity: asString(getCI(rec, "CompromisedEntity")),
    extended: asObject(parseJsonField(getCI(rec, "ExtendedProperties"))), facts: factsFromEntities(entityList(getCI(rec, "Entities"))),
    link: asString(getCI(rec, "AlertLink")), tactics: splitList(getCI(rec, "Tactics")), techniques: splitList(getCI(rec, "Techniques")),
    status: asString(getCI(rec, "Status")), product: asString(getCI(rec, "ProductComponentName")),
  };
}

/**
 * Defender severities are words (Informational, Low, Medium, High). Some exports carry a number
 * instead (0-100 confidence-like scale): 70 and up is high, 40 and up medium, else low.
 */
export function defenderSeverity(v: unknown): "low" | "medium" | "high" | "critical" | undefined {
  const n = asNumber(v);
  if (n !== undefined) return n >= 70 ? "high" : n >= 40 ? "medium" : "low";
  const s = asString(v)?.toLowerCase();
  if (s === "high" || s === "medium" || s === "low" || s === "critical") return s;
  if (s === "informational") return "low";
  return undefined;
}

function isSampleAlert(a: DefenderAlert): boolean {
  if (a.type?.toUpperCase().startsWith(SIMULATED_PREFIX)) return true;
  if (a.displayName && /sample alert/i.test(a.displayName)) return true;
  return a.description !== undefined && /^this is a sample alert/i.test(a.description);
}

/** Parts of an Azure resource id: /subscriptions/<id>/resourceGroups/<rg>/providers/<ns>/<type>/<name>. */
function parseResourceId(id: string): { subscription?: string; resourceGroup?: string; provider?: string; name?: string } {
  const parts = id.split("/").filter((p) => p !== "");
  const out: { subscription?: string; resourceGroup?: string; provider?: string; name?: string } = {};
  for (let i = 0; i + 1 < parts.length; i++) {
    const p = parts[i]!.toLowerCase();
    if (p === "subscriptions" && !out.subscription) out.subscription = parts[i + 1];
    else if (p === "resourcegroups" && !out.resourceGroup) out.resourceGroup = parts[i + 1];
    else if (p === "providers" && i + 3 < parts.length) {
      out.provider = `${parts[i + 1]}/${parts[i + 2]}`.toLowerCase();
      out.name = parts[i + 3];
    }
  }
  return out;
}

/** One alert as an event (docs/events.md, "Provider alerts"). */
function defenderEvent(a: DefenderAlert, origin: { path: string; line: number; format: string }): Event {
  const e = newEvent(origin, { dataset: "azure.defender", kind: "alert", category: ["intrusion_detection"] });
  const type = a.type;
  if (type) {
    const stripped = type.toUpperCase().startsWith(SIMULATED_PREFIX) ? type.slice(SIMULATED_PREFIX.length) : type;
    e["rule.name"] = stripped;
    if (stripped !== type) e["minerhunt.alert.original_type"] = type;
  } else setStr(e, "rule.name", a.displayName);
  if (isSampleAlert(a)) e["minerhunt.sample"] = true;
  setStr(e, "message", a.displayName);
  setStr(e, "minerhunt.alert.description", a.description);
  setStr(e, "event.id", a.id);
  setNum(e, "event.severity", a.severity);
  setStr(e, "minerhunt.alert.severity", defenderSeverity(a.severity));
  setStr(e, "@timestamp", toIso(a.start) ?? toIso(a.generated));
  setStr(e, "event.end", toIso(a.end));
  setStr(e, "event.created", toIso(a.generated));
  setStr(e, "event.reference", a.link);
  setStr(e, "minerhunt.alert.status", a.status);
  setStr(e, "minerhunt.alert.product", a.product);
  setList(e, "threat.tactic.name", a.tactics, true);
  setList(e, "threat.technique.id", a.techniques.filter((t) => /^T\d{4}/.test(t)), true);
  e["cloud.provider"] = "azure";

  const f = a.facts;
  const resourceIds = [...a.resourceIds, ...f.resourceIds];
  const resources = resourceIds.map(parseResourceId);
  setStr(e, "cloud.account.id", resources.find((r) => r.subscription)?.subscription);
  setStr(e, "minerhunt.azure.resource_group", resources.find((r) => r.resourceGroup)?.resourceGroup);
  setStr(e, "cloud.region", a.location ?? (a.link ? /\/location\/([a-z0-9]+)/i.exec(a.link)?.[1] : undefined));
  const vmIndex = resources.findIndex((r) => r.provider === "microsoft.compute/virtualmachines");
  const vm = vmIndex === -1 ? undefined : resources[vmIndex];
  if (vm) {
    e["cloud.instance.id"] = resourceIds[vmIndex]!;
    setStr(e, "cloud.instance.name", vm.name);
  }
  const aks = resources.find((r) => r.provider === "microsoft.containerservice/managedclusters");
  setList(e, "minerhunt.azure.resource_id", resourceIds, true);

  const ext = a.extended;
  const extProcess = asString(getCI(ext, "Suspicious Process"));
  setList(e, "host.name", f.hosts.length > 0 ? f.hosts : [getCI(ext, "Compromised Host") ?? vm?.name ?? (aks || resources.length > 0 ? undefined : a.compromisedEntity)]);
  setList(e, "user.name", f.users.length > 0 ? f.users : [getCI(ext, "User Name")]);

  const p = f.process;
  setStr(e, "process.command_line", p?.commandLine ?? getCI(ext, "Suspicious Command Line"));
  setStr(e, "process.executable", p?.executable ?? (extProcess && /[\\/]/.test(extProcess) ? extProcess : undefined));
  setStr(e, "process.name", p?.name ?? (extProcess ? baseName(extProcess) : undefined));
  setNum(e, "process.pid", p?.pid ?? getCI(ext, "Suspicious Process Id"));
  setStr(e, "process.hash.sha256", p?.sha256);
  setNum(e, "process.parent.pid", p?.parentPid);
  setStr(e, "process.parent.name", p?.parentName);
  setList(e, "file.hash.sha256", f.fileHashes);

  setList(e, "related.ip", f.ips, true);
  setStr(e, "destination.ip", f.destination?.ip);
  setNum(e, "destination.port", f.destination?.port);
  setList(e, "dns.question.name", [...f.domains, asString(getCI(ext, "Domain Name"))?.toLowerCase()]);
  setList(e, "url.original", f.urls);

  setList(e, "orchestrator.cluster.name", [...f.clusters, aks?.name]);
  if (e["orchestrator.cluster.name"] !== undefined) e["orchestrator.type"] = "kubernetes";
  setList(e, "orchestrator.namespace", f.namespaces);
  setList(e, "orchestrator.resource.name", f.pods);
  if (f.pods.length > 0) e["orchestrator.resource.type"] = "pods";
  setList(e, "container.name", f.containers);
  setList(e, "container.image.name", f.images);
  return e;
}
