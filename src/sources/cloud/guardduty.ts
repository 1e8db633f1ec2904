/**
 * Amazon GuardDuty findings.
 *
 * Packagings read: the API / console export (PascalCase keys: `Type`, `Service.Action`), a JSON
 * array of findings, `aws guardduty get-findings` output (`{"Findings":[...]}`), EventBridge events
 * (`"detail-type":"GuardDuty Finding"`, `"source":"aws.guardduty"`, camelCase finding in `detail`)
 * and one finding per line. Keys are normalised to camelCase once, then mapped.
 *
 * The finding type is kept as `rule.name`; whether it means mining is for the detectors to say.
 * Sample findings (CreateSampleFindings: `service.additionalInfo.sample`) are marked, never dropped.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { newEvent, setBool, setList, setNum, setStr, setStrIfAbsent } from "./event.js";
import { type JsonNode, readJsonNodes } from "./json-doc.js";
import { type RecordRef, parseObject, refOf } from "./records.js";
import { hasAll, hasAny, hasKeyValue, jsonHead, key } from "./sniff-json.js";
import {
  type JsonObject, asArray, asBoolean, asNumber, asObject, asString, baseName, camelKeys, dig, parseJsonField, toIso,
} from "./values.js";

export const GUARDDUTY_ID = "aws.guardduty";
/**
 * What every verdict of sniff() needs in the lower-cased sample: "guardduty" (the EventBridge detail-type and
 * source, a finding ARN, a serviceName) or a detectorId key. Tested on the sample as it is, before a lower-case
 * copy of it is made (most files sniffed are not GuardDuty's): the only characters besides A-Z that
 * toLowerCase() turns into ASCII letters are U+212A (into "k") and U+0130 (into "i" and a combining dot),
 * and neither can complete these needles, so /i finds whatever the lower-case copy would hold.
 */
const MAY_BE_GUARDDUTY = /guardduty|"detectorid"/i;

export const guardDutySource: Source = {
  id: GUARDDUTY_ID,
  title: "Amazon GuardDuty findings (API/console export, get-findings, EventBridge, NDJSON)",
  emits: [{ dataset: "aws.guardduty", categories: ["intrusion_detection"], sigma: ["aws/guardduty"] }],
  sniff(sample: Sample): number {
    const head = jsonHead(sample);
    if (!head) return 0;
    if (!MAY_BE_GUARDDUTY.test(head)) return 0;
    if (hasKeyValue(head, "detail-type", "GuardDuty Finding") || hasKeyValue(head, "source", "aws.guardduty")) return 0.95;
    // The finding keys are matched in any case (API exports are PascalCase, EventBridge camelCase).
    const t = head.toLowerCase();
    // The rarer keys first: hasAll stops at the first one missing, and `"type"` is in most JSON.
    const findingKeys = hasAll(t, key("severity"), key("resource"), key("service"), key("type"));
    if (findingKeys && hasAny(t, "arn:aws:guardduty:", key("detectorid"), '"servicename":"guardduty"', '"servicename": "guardduty"')) return 0.95;
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseGuardDuty(input, ctx);
  },
};

async function* parseGuardDuty(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of guardDutyRecords(top, 0)) {
      const raw = parseObject(ref, ctx, "a GuardDuty finding (an object with type, severity, resource, service)");
      if (!raw) continue;
      const finding = asObject(camelKeys(raw)) ?? raw;
      if (typeof finding.type !== "string") {
        ctx.issue(ref.line, `${ref.label}: not a GuardDuty finding: "type" is missing`);
        continue;
      }
      yield guardDutyEvent(finding, { path: input.path, line: ref.line, format: GUARDDUTY_ID });
    }
  }
}

function* guardDutyRecords(node: JsonNode, depth: number): Generator<RecordRef> {
  if (node.isArray && depth === 0) {
    for (const el of node.elements()) yield* guardDutyRecords(el, depth + 1);
    return;
  }
  if (!node.isObject) { yield refOf(node); return; }
  const findings = node.memberCI("Findings");
  if (findings?.isArray) {
    for (const el of findings.elements()) yield refOf(el);
    return;
  }
  const detail = node.member("detail");
  if (detail && node.member("detail-type")) {
    yield { node: detail, line: node.line, label: node.path === "" ? "EventBridge event" : node.path };
    return;
  }
  yield refOf(node);
}

/** GuardDuty's numeric severity bands: 1.0-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0+ critical. */
export function guardDutySeverity(n: number): "low" | "medium" | "high" | "critical" {
  if (n < 4) return "low";
  if (n < 7) return "medium";
  if (n < 9) return "high";
  return "critical";
}

/** One finding (camelCase keys) as an alert event. */
export function guardDutyEvent(f: JsonObject, origin: { path: string; line: number; format: string }): Event {
  const e = newEvent(origin, { dataset: "aws.guardduty", kind: "alert", category: ["intrusion_detection"] });
  const service = asObject(f.service) ?? {};
  const resource = asObject(f.resource) ?? {};

  setStr(e, "@timestamp", toIso(service.eventFirstSeen) ?? toIso(f.createdAt));
  setStr(e, "event.end", toIso(service.eventLastSeen) ?? toIso(f.updatedAt));
  setStr(e, "event.created", toIso(f.createdAt));
  setStr(e, "rule.name", f.type);
  setStr(e, "event.id", f.id);
  setStr(e, "message", f.title);
  setStr(e, "minerhunt.alert.description", f.description);
  const severity = asNumber(f.severity);
  if (severity !== undefined) {
    e["event.severity"] = severity;
    e["minerhunt.alert.severity"] = guardDutySeverity(severity);
  }
  setStr(e, "minerhunt.alert.arn", f.arn);
  setNum(e, "minerhunt.alert.count", service.count);
  setBool(e, "minerhunt.alert.archived", service.archived);
  setStr(e, "minerhunt.alert.feature", service.featureName);
  setStr(e, "minerhunt.alert.resource_type", resource.resourceType);
  setStr(e, "minerhunt.alert.resource_role", service.resourceRole);
  if (isSample(service)) e["minerhunt.sample"] = true;

  e["cloud.provider"] = "aws";
  setStr(e, "cloud.account.id", f.accountId);
  setStr(e, "cloud.region", f.region);

  mapInstance(e, asObject(resource.instanceDetails));
  mapContainers(e, resource);
  mapAccessKey(e, asObject(resource.accessKeyDetails));
  mapAction(e, asObject(service.action));
  mapProcess(e, asObject(dig(service, "runtimeDetails", "process")), asObject(dig(service, "runtimeDetails", "context")));
  const threatNames = asArray(dig(service, "evidence", "threatIntelligenceDetails")).flatMap((d) => asArray(dig(d, "threatNames")));
  setList(e, "minerhunt.alert.threat_names", threatNames, true);
  return e;
}

/** `additionalInfo.sample` is true in EventBridge events; exports keep it inside the `value` JSON string. */
function isSample(service: JsonObject): boolean {
  const info = asObject(service.additionalInfo);
  if (!info) return false;
  if (asBoolean(info.sample) === true) return true;
  const inner = asObject(parseJsonField(info.value, 64 * 1024));
  return asBoolean(inner?.sample) === true;
}

function mapInstance(e: Event, inst: JsonObject | undefined): void {
  if (!inst) return;
  setStr(e, "cloud.instance.id", inst.instanceId);
  setStr(e, "cloud.machine.type", inst.instanceType);
  setStr(e, "cloud.image.id", inst.imageId);
  setStr(e, "cloud.availability_zone", inst.availabilityZone);
  const ips: unknown[] = [];
  for (const nic of asArray(inst.networkInterfaces)) {
    ips.push(dig(nic, "privateIpAddress"), dig(nic, "publicIp"));
    for (const p of asArray(dig(nic, "privateIpAddresses"))) ips.push(dig(p, "privateIpAddress"));
    for (const v6 of asArray(dig(nic, "ipv6Addresses"))) ips.push(v6);
  }
  setList(e, "host.ip", ips, true);
  const tags = asArray(inst.tags).flatMap((t) => {
    const k = asString(dig(t, "key"));
    return k === undefined ? [] : [`${k}=${asString(dig(t, "value")) ?? ""}`];
  });
  setList(e, "cloud.instance.tags", tags, true);
}

function mapContainers(e: Event, resource: JsonObject): void {
  const c = asObject(resource.containerDetails);
  if (c) {
    setStr(e, "container.id", c.id);
    setStr(e, "container.name", c.name);
    setStr(e, "container.runtime", c.containerRuntime);
    setBool(e, "container.security_context.privileged", dig(c, "securityContext", "privileged"));
  }
  const eks = asObject(resource.eksClusterDetails);
  const ecs = asObject(resource.ecsClusterDetails);
  const workload = asObject(dig(resource, "kubernetesDetails", "kubernetesWorkloadDetails"));
  const k8sUser = asObject(dig(resource, "kubernetesDetails", "kubernetesUserDetails"));
  if (eks || workload) e["orchestrator.type"] = "kubernetes";
  else if (ecs) e["orchestrator.type"] = "ecs";
  setStr(e, "orchestrator.cluster.name", eks?.name ?? ecs?.name);
  if (workload) {
    setStr(e, "orchestrator.resource.name", workload.name);
    setStr(e, "orchestrator.namespace", workload.namespace);
    const type = asString(workload.type);
    if (type) e["orchestrator.resource.type"] = type.toLowerCase();
    setBool(e, "minerhunt.k8s.host_network", workload.hostNetwork);
  }
  setStrIfAbsent(e, "user.name", k8sUser?.username);
  const workloadContainers = asArray(workload?.containers);
  const taskContainers = asArray(dig(ecs, "taskDetails", "containers"));
  const images = [c?.image, ...workloadContainers.map((x) => dig(x, "image")), ...taskContainers.map((x) => dig(x, "image"))];
  setList(e, "container.image.name", images);
  if (workloadContainers.some((x) => dig(x, "securityContext", "privileged") === true)) e["minerhunt.k8s.privileged"] = true;
}

function mapAccessKey(e: Event, k: JsonObject | undefined): void {
  if (!k) return;
  setStr(e, "minerhunt.aws.access_key_id", k.accessKeyId);
  setStrIfAbsent(e, "user.name", k.userName);
  setStr(e, "minerhunt.aws.user_type", k.userType);
}

/** The remote side of the activity: pool IP and port, DNS name, API caller. */
function mapAction(e: Event, action: JsonObject | undefined): void {
  if (!action) return;
  setStr(e, "event.action", action.actionType);
  const net = asObject(action.networkConnectionAction);
  if (net) {
    const remoteIp = asString(dig(net, "remoteIpDetails", "ipAddressV4")) ?? asString(dig(net, "remoteIpDetails", "ipAddressV6"));
    const localIp = asString(dig(net, "localIpDetails", "ipAddressV4")) ?? asString(dig(net, "localIpDetails", "ipAddressV6"));
    const remotePort = dig(net, "remotePortDetails", "port");
    const localPort = dig(net, "localPortDetails", "port");
    const inbound = asString(net.connectionDirection)?.toUpperCase() === "INBOUND";
    const [remoteSide, localSide] = inbound ? ["source", "destination"] : ["destination", "source"];
    setStr(e, `${remoteSide}.ip`, remoteIp);
    setNum(e, `${remoteSide}.port`, remotePort);
    setStr(e, `${localSide}.ip`, localIp);
    setNum(e, `${localSide}.port`, localPort);
    setStr(e, `${remoteSide}.as.organization.name`, dig(net, "remoteIpDetails", "organization", "asnOrg"));
    setStr(e, `${remoteSide}.geo.country_name`, dig(net, "remoteIpDetails", "country", "countryName"));
    const dir = asString(net.connectionDirection);
    if (dir) e["network.direction"] = dir.toLowerCase();
    const proto = asString(net.protocol);
    if (proto) e["network.transport"] = proto.toLowerCase();
    setBool(e, "minerhunt.alert.blocked", net.blocked);
  }
  const dns = asObject(action.dnsRequestAction);
  if (dns) {
    const domain = asString(dns.domain);
    if (domain) e["dns.question.name"] = domain.toLowerCase().replace(/\.$/, "");
    const proto = asString(dns.protocol);
    if (proto) e["network.transport"] = proto.toLowerCase();
    setBool(e, "minerhunt.alert.blocked", dns.blocked);
  }
  const api = asObject(action.awsApiCallAction);
  if (api) {
    setStr(e, "minerhunt.aws.api", api.api);
    setStr(e, "minerhunt.aws.api_service", api.serviceName);
    setStr(e, "source.ip", dig(api, "remoteIpDetails", "ipAddressV4"));
    setStr(e, "user_agent.original", api.userAgent);
  }
  const k8s = asObject(action.kubernetesApiCallAction);
  if (k8s) {
    setStr(e, "url.original", k8s.requestUri);
    setStr(e, "minerhunt.k8s.verb", k8s.verb);
    setList(e, "source.ip", [dig(k8s, "remoteIpDetails", "ipAddressV4") ?? k8s.sourceIPs]);
    setStr(e, "user_agent.original", k8s.userAgent);
    setNum(e, "http.response.status_code", k8s.statusCode);
  }
  const probe = asObject(action.portProbeAction);
  if (probe) {
    const details = asArray(probe.portProbeDetails);
    setList(e, "source.ip", details.map((d) => dig(d, "remoteIpDetails", "ipAddressV4")));
    setList(e, "minerhunt.alert.probed_ports", details.map((d) => dig(d, "localPortDetails", "port")), true);
  }
}

/** Runtime Monitoring: the process that did it, and its parent from the lineage. */
function mapProcess(e: Event, p: JsonObject | undefined, context: JsonObject | undefined): void {
  if (p) {
    setStr(e, "process.name", p.name);
    const exe = asString(p.executablePath);
    setStr(e, "process.executable", exe);
    if (exe && e["process.name"] === undefined) e["process.name"] = baseName(exe);
    setStr(e, "process.hash.sha256", p.executableSha256);
    setNum(e, "process.pid", p.pid);
    setStr(e, "process.working_directory", p.pwd);
    setStr(e, "process.start", toIso(p.startTime));
    setStrIfAbsent(e, "user.name", p.user);
    const lineage = asArray(p.lineage).map(asObject).filter((x): x is JsonObject => x !== undefined);
    const parentUuid = asString(p.parentUuid);
    const parent = parentUuid ? lineage.find((l) => asString(l.uuid) === parentUuid) : undefined;
    if (parent) {
      setNum(e, "process.parent.pid", parent.pid ?? parent.ancestorPid);
      const pexe = asString(parent.executablePath);
      setStr(e, "process.parent.executable", pexe);
      setStr(e, "process.parent.name", asString(parent.name) ?? asString(parent.ancestorName) ?? (pexe ? baseName(pexe) : undefined));
    }
    const ancestry = lineage.map((l) => asString(l.executablePath) ?? asString(l.ancestorName)).slice(0, 32);
    setList(e, "minerhunt.process.lineage", ancestry, true);
  }
  if (context) setStrIfAbsent(e, "process.command_line", context.commandLineExample);
}
