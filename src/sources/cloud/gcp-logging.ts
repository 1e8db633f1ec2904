/**
 * Google Cloud Logging entries (LogEntry JSON: `insertId, logName, resource{type, labels}, severity,
 * timestamp` and a `textPayload`, `jsonPayload` or `protoPayload`), one per line, in an array
 * (`gcloud logging read --format=json`) or in an `entries.list` response (`{"entries":[...]}`).
 *
 * Why here: homegrown detectors write their verdicts to Cloud Logging (the shared fixture is such an
 * entry: log `cryptomining`, text `CRYPTOMINING_DETECTED`, on a GCE instance), and audit logs of
 * `compute.instances.insert` show GPU machines being created. The entry is kept as a plain event
 * (`gcp.logging`) with its resource context and text; deciding that it means mining is a detector's
 * job. An entry whose jsonPayload carries a Security Command Center finding becomes a `gcp.scc` alert.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { newEvent, setList, setStr } from "./event.js";
import { parseGcpResourceName, regionOfZone, setGcpResource } from "./gcp-resource.js";
import { type JsonNode, readJsonNodes } from "./json-doc.js";
import { type RecordRef, parseObject, refOf } from "./records.js";
import { sccFindingEvent } from "./scc.js";
import { hasAll, jsonHead, key } from "./sniff-json.js";
import { type JsonObject, asNumber, asObject, asString, dig, isIpAddress, toIso } from "./values.js";

export const GCP_LOGGING_ID = "gcp.logging";
/** Message text kept from a payload, in characters. */
const MAX_MESSAGE_CHARS = 8 * 1024;

export const gcpLoggingSource: Source = {
  id: GCP_LOGGING_ID,
  title: "Google Cloud Logging entries (custom detector logs, audit logs; SCC findings exported to logging)",
  emits: [
    { dataset: "gcp.logging", categories: ["iam", "configuration", "host"], sigma: ["gcp/logging"] },
    // SCC findings exported to Cloud Logging are read as the findings they carry.
    { dataset: "gcp.scc", categories: ["intrusion_detection"], sigma: ["gcp/scc"] },
  ],
  sniff(sample: Sample): number {
    const t = jsonHead(sample);
    if (!t) return 0;
    if (hasAll(t, key("logName"), key("insertId")) && (t.includes(key("resource")) || t.includes(key("timestamp")))) return 0.9;
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseGcpLogging(input, ctx);
  },
};

async function* parseGcpLogging(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of entries(top, 0)) {
      const entry = parseObject(ref, ctx, "a Cloud Logging entry");
      if (!entry) continue;
      if (asString(entry.logName) === undefined) {
        ctx.issue(ref.line, `${ref.label}: not a Cloud Logging entry: "logName" is missing`);
        continue;
      }
      const origin = { path: input.path, line: ref.line, format: GCP_LOGGING_ID };
      const finding = asObject(dig(entry, "jsonPayload", "finding"));
      if (finding && asString(finding.category)) {
        const e = sccFindingEvent(finding, asObject(dig(entry, "jsonPayload", "resource")), origin);
        setStr(e, "log.logger", entry.logName);
        yield e;
        continue;
      }
      yield loggingEvent(entry, origin);
    }
  }
}

function* entries(node: JsonNode, depth: number): Generator<RecordRef> {
  if (node.isArray && depth === 0) {
    for (const el of node.elements()) yield* entries(el, depth + 1);
    return;
  }
  const list = node.isObject ? node.member("entries") : undefined;
  if (list?.isArray) {
    for (const el of list.elements()) yield refOf(el);
    return;
  }
  yield refOf(node);
}

/** `projects/p/logs/cloudaudit.googleapis.com%2Factivity` → `cloudaudit.googleapis.com/activity`. */
function logIdOf(logName: string): string {
  const i = logName.indexOf("/logs/");
  const id = i === -1 ? logName : logName.slice(i + "/logs/".length);
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

function loggingEvent(entry: JsonObject, origin: { path: string; line: number; format: string }): Event {
  const proto = asObject(entry.protoPayload);
  const isAudit = asString(proto?.["@type"])?.endsWith("google.cloud.audit.AuditLog") === true;
  const serviceName = asString(proto?.serviceName);
  const category = isAudit ? (serviceName === "iam.googleapis.com" ? ["iam"] : ["configuration"]) : ["host"];
  const e = newEvent(origin, { dataset: "gcp.logging", kind: "event", category });
  setStr(e, "@timestamp", toIso(entry.timestamp) ?? toIso(entry.receiveTimestamp));
  setStr(e, "event.id", entry.insertId);
  const logName = asString(entry.logName) ?? "";
  e["log.logger"] = logName;
  e["minerhunt.gcp.log_id"] = logIdOf(logName);
  const severity = asString(entry.severity);
  if (severity) e["log.level"] = severity.toLowerCase();
  e["cloud.provider"] = "gcp";

  const text = asString(entry.textPayload) ?? asString(dig(entry, "jsonPayload", "message"));
  if (text !== undefined) e.message = text.trim().slice(0, MAX_MESSAGE_CHARS);

  const resource = asObject(entry.resource);
  const labels = asObject(resource?.labels);
  setStr(e, "minerhunt.gcp.resource_type", resource?.type);
  // GKE and others name a "location" that is a zone or a region.
  const location = asString(labels?.location);
  const zone = asString(labels?.zone) ?? (location && regionOfZone(location) ? location : undefined);
  setGcpResource(e, {
    project: asString(labels?.project_id) ?? parseGcpResourceName(logName).project,
    zone,
    region: zone ? regionOfZone(zone) : location ?? asString(labels?.region),
    instance: asString(labels?.instance_id),
    cluster: asString(labels?.cluster_name),
    namespace: asString(labels?.namespace_name),
    pod: asString(labels?.pod_name),
  });
  setStr(e, "container.name", labels?.container_name);
  if (proto && isAudit) mapAudit(e, proto);
  return e;
}

/** Cloud Audit Logs: who called which method from where, and what machine a VM insert asked for. */
function mapAudit(e: Event, p: JsonObject): void {
  setStr(e, "event.action", p.methodName);
  setStr(e, "event.provider", p.serviceName);
  setStr(e, "user.name", dig(p, "authenticationInfo", "principalEmail"));
  const ip = asString(dig(p, "requestMetadata", "callerIp"));
  if (ip && isIpAddress(ip)) e["source.ip"] = ip;
  setStr(e, "user_agent.original", dig(p, "requestMetadata", "callerSuppliedUserAgent"));
  const code = asNumber(dig(p, "status", "code"));
  e["event.outcome"] = code !== undefined && code !== 0 ? "failure" : "success";
  setStr(e, "minerhunt.gcp.status_message", dig(p, "status", "message"));
  const resourceName = asString(p.resourceName);
  if (resourceName) setGcpResource(e, parseGcpResourceName(resourceName));
  // compute.instances.insert: request.machineType is "zones/us-central1-a/machineTypes/a2-highgpu-1g".
  const machineType = asString(dig(p, "request", "machineType"));
  if (machineType) e["cloud.machine.type"] = machineType.slice(machineType.lastIndexOf("/") + 1);
  const accelerators = dig(p, "request", "guestAccelerators");
  if (Array.isArray(accelerators)) {
    setList(e, "minerhunt.gcp.accelerators", accelerators.map((a) => {
      const type = asString(dig(a, "acceleratorType"));
      return type ? `${type.slice(type.lastIndexOf("/") + 1)}x${asNumber(dig(a, "acceleratorCount")) ?? 1}` : undefined;
    }), true);
  }
}
