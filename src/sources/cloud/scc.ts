/**
 * Google Cloud Security Command Center findings.
 *
 * Shapes read: a finding (`name, parent, resourceName, state, category, sourceProperties, eventTime,
 * severity, findingClass, indicator, process[], ...`), `gcloud scc findings list --format=json`
 * (`[{"finding":{...},"resource":{...}}]`), the REST list (`{"listFindingsResults":[...]}`), Pub/Sub
 * notifications (`{"notificationConfigName", "finding", "resource"}`) and those notifications inside a
 * Pub/Sub push or pull envelope (`{"message":{"data":"<base64>"}}`). BigQuery exports spell keys in
 * snake_case; both spellings are read.
 *
 * A Cloud Logging entry is another format (gcp-logging.ts); one that carries a finding in its
 * jsonPayload is mapped here through `sccFindingEvent`.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { newEvent, setList, setNum, setStr } from "./event.js";
import { parseGcpResourceName, setGcpResource } from "./gcp-resource.js";
import { type JsonNode, nodeOfText, readJsonNodes } from "./json-doc.js";
import { type RecordRef, memberString, parseObject, refOf } from "./records.js";
import { anyOf, hasAll, hasAny, jsonHead, key } from "./sniff-json.js";
import { type JsonObject, asArray, asNumber, asObject, asString, baseName, toIso } from "./values.js";

export const SCC_ID = "gcp.scc";
/** Base64 Pub/Sub data larger than this is not decoded (a notification is a few KiB). */
const MAX_PUBSUB_DATA_CHARS = 8 * 1024 * 1024;
/** What every verdict of sniff() but 0 needs: a finding's own keys, or a Pub/Sub message's. */
const MAY_BE_SCC = anyOf(key("notificationConfigName"), key("listFindingsResults"), key("findingClass"), key("finding_class"),
  key("resourceName"), key("resource_name"), key("subscription"), key("ackId"), key("messageId"));

export const sccSource: Source = {
  id: SCC_ID,
  title: "Google Cloud Security Command Center findings (finding JSON, gcloud list, Pub/Sub notifications)",
  emits: [{ dataset: "gcp.scc", categories: ["intrusion_detection"], sigma: ["gcp/scc"] }],
  sniff(sample: Sample): number {
    const t = jsonHead(sample);
    if (!t || !MAY_BE_SCC(t)) return 0;
    // Cloud Logging entries are gcp.logging's, even when they carry a finding.
    if (hasAll(t, key("logName"), key("insertId"))) return 0;
    if (hasAny(t, key("notificationConfigName"), key("listFindingsResults"), key("findingClass"), key("finding_class"))) return 0.95;
    if (hasAll(t, key("category"), key("resourceName")) && hasAny(t, key("parent"), key("canonicalName"))) return 0.95;
    if (hasAll(t, key("resource_name"), key("category"), key("source_properties"))) return 0.9;
    if (hasAll(t, key("message"), key("data")) && hasAny(t, key("subscription"), key("ackId"), key("messageId"))) {
      const data = firstDataValue(t);
      if (data && looksLikeNotification(Buffer.from(data.slice(0, 16 * 1024), "base64").toString("utf8"))) return 0.9;
    }
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseScc(input, ctx);
  },
};

function looksLikeNotification(text: string): boolean {
  return text.includes(key("finding")) && text.includes(key("category"));
}

/** The first `"data": "<base64>"` value in a text (base64 has no quotes or escapes to worry about). */
function firstDataValue(text: string): string | undefined {
  const k = key("data");
  let i = text.indexOf(k);
  while (i !== -1) {
    let j = i + k.length;
    while (text[j] === " " || text[j] === "\n" || text[j] === "\r" || text[j] === "\t") j++;
    if (text[j] === ":") {
      j++;
      while (text[j] === " " || text[j] === "\n" || text[j] === "\r" || text[j] === "\t") j++;
      if (text[j] === '"') {
        const end = text.indexOf('"', j + 1);
        return end === -1 ? text.slice(j + 1) : text.slice(j + 1, end);
      }
    }
    i = text.indexOf(k, i + 1);
  }
  return undefined;
}

async function* parseScc(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of sccRecords(top, 0, ctx)) {
      const rec = parseObject(ref, ctx, "a Security Command Center finding or notification");
      if (!rec) continue;
      const finding = asObject(rec.finding) ?? rec;
      if (asString(pick(finding, "category")) === undefined) {
        ctx.issue(ref.line, `${ref.label}: not a Security Command Center finding: "category" is missing`);
        continue;
      }
      const resource = asObject(rec.finding) ? asObject(rec.resource) : undefined;
      yield sccFindingEvent(finding, resource, { path: input.path, line: ref.line, format: SCC_ID }, asString(rec.notificationConfigName));
    }
  }
}

function* sccRecords(node: JsonNode, depth: number, ctx: ParseContext): Generator<RecordRef> {
  if (node.isArray && depth === 0) {
    for (const el of node.elements()) yield* sccRecords(el, depth + 1, ctx);
    return;
  }
  if (!node.isObject) { yield refOf(node); return; }
  const list = node.member("listFindingsResults");
  if (list?.isArray) {
    for (const el of list.elements()) yield refOf(el);
    return;
  }
  const message = node.member("message");
  const data = message?.isObject ? memberString(message.member("data")) : undefined;
  if (data !== undefined) {
    const label = node.path === "" ? "Pub/Sub message" : `${node.path}.message.data`;
    if (data.length > MAX_PUBSUB_DATA_CHARS) {
      ctx.issue(node.line, `${label}: base64 data of ${data.length} characters is over the ${MAX_PUBSUB_DATA_CHARS} limit; skipped`);
      return;
    }
    const decoded = Buffer.from(data, "base64").toString("utf8");
    const inner = nodeOfText(decoded, node.line, label);
    if (!inner) {
      ctx.issue(node.line, `${label}: empty after base64 decoding; expected a finding notification`);
      return;
    }
    yield { node: inner, line: node.line, label };
    return;
  }
  yield refOf(node);
}

/** A key in camelCase (API, gcloud, Pub/Sub) or snake_case (BigQuery export). */
function pick(o: JsonObject | undefined, camel: string): unknown {
  if (!o) return undefined;
  const v = o[camel];
  if (v !== undefined) return v;
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

export function sccSeverity(v: unknown): "low" | "medium" | "high" | "critical" | undefined {
  const s = asString(v)?.toLowerCase();
  return s === "low" || s === "medium" || s === "high" || s === "critical" ? s : undefined;
}

/** One finding (with its resource, when the packaging gives one) as an alert event. */
export function sccFindingEvent(f: JsonObject, resource: JsonObject | undefined, origin: { path: string; line: number; format: string }, notificationConfig?: string): Event {
  const e = newEvent(origin, { dataset: "gcp.scc", kind: "alert", category: ["intrusion_detection"] });
  const category = asString(pick(f, "category"));
  setStr(e, "rule.name", category);
  setStr(e, "message", asString(pick(f, "description")) ?? category);
  setStr(e, "event.id", pick(f, "name") ?? pick(f, "canonicalName"));
  setStr(e, "minerhunt.alert.severity", sccSeverity(pick(f, "severity")));
  setStr(e, "@timestamp", toIso(pick(f, "eventTime")) ?? toIso(pick(f, "createTime")));
  setStr(e, "event.created", toIso(pick(f, "createTime")));
  setStr(e, "event.reference", pick(f, "externalUri"));
  setStr(e, "minerhunt.alert.status", pick(f, "state"));
  setStr(e, "minerhunt.alert.finding_class", pick(f, "findingClass"));
  setStr(e, "minerhunt.alert.notification_config", notificationConfig);
  e["cloud.provider"] = "gcp";

  const resourceName = asString(pick(f, "resourceName"));
  setStr(e, "minerhunt.gcp.resource_name", resourceName);
  if (resourceName) setGcpResource(e, parseGcpResourceName(resourceName));
  mapResource(e, resource);
  mapProcesses(e, f);
  mapIndicators(e, f);

  const access = asObject(pick(f, "access"));
  if (access) {
    setStr(e, "user.name", pick(access, "principalEmail"));
    setStr(e, "source.ip", pick(access, "callerIp"));
    setStr(e, "event.action", pick(access, "methodName"));
    setStr(e, "event.provider", pick(access, "serviceName"));
    setStr(e, "user_agent.original", pick(access, "userAgent") ?? pick(access, "userAgentFamily"));
  }
  const mitre = asObject(pick(f, "mitreAttack"));
  setList(e, "threat.technique.name", [pick(mitre, "primaryTechniques"), pick(mitre, "additionalTechniques")], true);
  setStr(e, "threat.tactic.name", pick(mitre, "primaryTactic"));
  return e;
}

/** The resource block of a notification or list result: project id, instance name, type. */
function mapResource(e: Event, r: JsonObject | undefined): void {
  if (!r) return;
  const gcp = asObject(pick(r, "gcpMetadata"));
  const projectId = asString(pick(r, "projectDisplayName")) ?? asString(pick(gcp, "projectDisplayName"));
  if (projectId) {
    // The resource name may carry the project number instead; the display name is the project id people use.
    if (e["cloud.project.id"] === undefined || /^\d+$/.test(String(e["cloud.project.id"]))) {
      e["cloud.project.id"] = projectId;
      e["cloud.account.id"] = projectId;
    }
  }
  const type = asString(pick(r, "type"));
  setStr(e, "minerhunt.gcp.resource_type", type);
  if (type === "google.compute.Instance") {
    setStr(e, "cloud.instance.name", pick(r, "displayName"));
    setStr(e, "host.name", pick(r, "displayName"));
  }
}

/** Processes named by the finding: VM Threat Detection memory hashes, YARA hits, finding.process[]. */
function mapProcesses(e: Event, f: JsonObject): void {
  const names: unknown[] = [];
  const executables: unknown[] = [];
  const hashes: unknown[] = [];
  const commandLines: string[] = [];
  for (const threat of asArray(pick(asObject(pick(f, "sourceProperties")), "threats"))) {
    const detector = asObject(pick(asObject(threat), "memoryHashDetector"));
    if (!detector) continue;
    names.push(pick(detector, "binary"));
    for (const d of asArray(pick(detector, "detections"))) names.push(pick(asObject(d), "binaryName"));
  }
  for (const raw of asArray(pick(f, "process"))) {
    const p = asObject(raw);
    if (!p) continue;
    const path = asString(pick(asObject(pick(p, "binary")), "path"));
    names.push(pick(p, "name") ?? (path ? baseName(path) : undefined));
    executables.push(path);
    hashes.push(pick(asObject(pick(p, "binary")), "sha256"));
    const args = asArray(pick(p, "args")).map(asString).filter((a): a is string => a !== undefined);
    if (args.length > 0) commandLines.push(args.join(" "));
    if (e["process.pid"] === undefined) setNum(e, "process.pid", pick(p, "pid"));
    if (e["process.parent.pid"] === undefined) setNum(e, "process.parent.pid", pick(p, "parentPid"));
  }
  setList(e, "process.name", names);
  setList(e, "process.executable", executables);
  setList(e, "process.hash.sha256", hashes);
  setList(e, "process.command_line", commandLines);
}

/** Indicators of compromise: pool IPs and domains, signatures; connections; Kubernetes objects. */
function mapIndicators(e: Event, f: JsonObject): void {
  const indicator = asObject(pick(f, "indicator"));
  const signatures: unknown[] = [];
  const binaries: unknown[] = [];
  for (const s of asArray(pick(indicator, "signatures"))) {
    const mem = asObject(pick(asObject(s), "memoryHashSignature"));
    signatures.push(pick(mem, "binaryFamily"), pick(asObject(pick(asObject(s), "yaraRuleSignature")), "yaraRule"));
    for (const d of asArray(pick(mem, "detections"))) binaries.push(pick(asObject(d), "binary"));
  }
  if (e["process.name"] === undefined) setList(e, "process.name", binaries);
  setList(e, "minerhunt.alert.signatures", signatures, true);
  const connections = asArray(pick(f, "connections")).map(asObject).filter((c): c is JsonObject => c !== undefined);
  setList(e, "destination.ip", [pick(indicator, "ipAddresses"), connections.map((c) => pick(c, "destinationIp"))], true);
  const port = connections.map((c) => asNumber(pick(c, "destinationPort"))).find((p) => p !== undefined);
  if (port !== undefined) e["destination.port"] = port;
  setList(e, "source.ip", connections.map((c) => pick(c, "sourceIp")));
  const domains = asArray(pick(indicator, "domains")).map((d) => asString(d)?.toLowerCase().replace(/\.$/, ""));
  setList(e, "dns.question.name", domains, true);
  setList(e, "url.original", [pick(indicator, "uris")], true);

  const k8s = asObject(pick(f, "kubernetes"));
  const pods = asArray(pick(k8s, "pods")).map(asObject).filter((p): p is JsonObject => p !== undefined);
  const images: unknown[] = [];
  for (const p of pods) for (const c of asArray(pick(p, "containers"))) images.push(pick(asObject(c), "uri"));
  for (const c of asArray(pick(f, "containers"))) images.push(pick(asObject(c), "uri"));
  setList(e, "container.image.name", images);
  if (pods.length > 0) {
    if (e["orchestrator.namespace"] === undefined) setList(e, "orchestrator.namespace", pods.map((p) => pick(p, "ns")));
    if (e["orchestrator.resource.name"] === undefined) setList(e, "orchestrator.resource.name", pods.map((p) => pick(p, "name")));
    e["orchestrator.resource.type"] = "pods";
    e["orchestrator.type"] = "kubernetes";
  }
}
