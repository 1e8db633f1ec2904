/**
 * Falco alerts as Falco writes them with `json_output: true` (one JSON object per line:
 * `hostname, output, priority, rule, source, tags, time, output_fields{...}`), and the same payload
 * as falcosidekick forwards it (plus `uuid`). Arrays of alerts are read too.
 *
 * `output_fields` are Falco's own field names (proc.cmdline, container.image.repository, fd.sip,
 * k8s.pod.name ...); they are mapped to the ECS names of docs/events.md. Falco writes `<NA>` for a
 * field it could not fill; such values are left out.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { newEvent, setList, setNum, setStr, setStrIfAbsent } from "../cloud/event.js";
import { type JsonNode, readJsonNodes } from "../cloud/json-doc.js";
import { type RecordRef, parseObject, refOf } from "../cloud/records.js";
import { hasAll, hasAny, jsonHead, key } from "../cloud/sniff-json.js";
import { type JsonObject, asArray, asObject, asString, baseName, isIpAddress, toIso } from "../cloud/values.js";

export const FALCO_ID = "falco.alerts";

export const falcoSource: Source = {
  id: FALCO_ID,
  title: "Falco JSON alerts (json_output lines, falcosidekick payloads)",
  emits: [{ dataset: "falco.alerts", categories: ["intrusion_detection"], sigma: ["falco/alerts"] }],
  sniff(sample: Sample): number {
    const t = jsonHead(sample);
    if (!t) return 0;
    if (hasAll(t, key("output"), key("priority"), key("rule")) && hasAny(t, key("output_fields"), key("time"))) return 0.95;
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseFalco(input, ctx);
  },
};

async function* parseFalco(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of falcoRecords(top)) {
      const alert = parseObject(ref, ctx, "a Falco alert (an object with rule, priority, output)");
      if (!alert) continue;
      if (typeof alert.rule !== "string" || typeof alert.output !== "string") {
        ctx.issue(ref.line, `${ref.label}: not a Falco alert: "rule" and "output" must be strings`);
        continue;
      }
      yield falcoEvent(alert, { path: input.path, line: ref.line, format: FALCO_ID });
    }
  }
}

function* falcoRecords(node: JsonNode): Generator<RecordRef> {
  if (node.isArray) {
    for (const el of node.elements()) yield refOf(el);
    return;
  }
  yield refOf(node);
}

/** Falco's priorities (syslog levels) on the alert scale. */
export function falcoSeverity(priority: string): "low" | "medium" | "high" | "critical" | undefined {
  switch (priority.toLowerCase()) {
    case "emergency": case "alert": case "critical": return "critical";
    case "error": return "high";
    case "warning": return "medium";
    case "notice": case "informational": case "info": case "debug": return "low";
    default: return undefined;
  }
}

/** A Falco field value, without the `<NA>` Falco writes for "not available". */
function field(fields: JsonObject, name: string): unknown {
  const v = fields[name];
  if (v === null || v === "<NA>" || v === "") return undefined;
  return v;
}

/** `10.0.0.5:43210->198.51.100.7:3333` (fd.name of an IPv4 socket) → client and server endpoints. */
function parseFdName(name: string): { cip: string; cport: string; sip: string; sport: string } | undefined {
  const arrow = name.indexOf("->");
  if (arrow === -1) return undefined;
  const split = (s: string) => {
    const c = s.lastIndexOf(":");
    return c === -1 ? undefined : [s.slice(0, c), s.slice(c + 1)] as const;
  };
  const client = split(name.slice(0, arrow));
  const server = split(name.slice(arrow + 2));
  if (!client || !server || !isIpAddress(client[0]) || !isIpAddress(server[0])) return undefined;
  return { cip: client[0], cport: client[1], sip: server[0], sport: server[1] };
}

export function falcoEvent(a: JsonObject, origin: { path: string; line: number; format: string }): Event {
  const e = newEvent(origin, { dataset: "falco.alerts", kind: "alert", category: ["intrusion_detection"] });
  const f = asObject(a.output_fields) ?? {};
  setStr(e, "@timestamp", toIso(a.time) ?? toIso(field(f, "evt.time")) ?? toIso(field(f, "evt.time.iso8601")));
  setStr(e, "rule.name", a.rule);
  setStr(e, "message", a.output);
  setStr(e, "event.id", a.uuid);
  const priority = asString(a.priority);
  setStr(e, "minerhunt.alert.priority", priority);
  if (priority) setStr(e, "minerhunt.alert.severity", falcoSeverity(priority));
  setStr(e, "minerhunt.falco.source", a.source);
  setStr(e, "host.name", a.hostname);
  const tags = asArray(a.tags);
  setList(e, "tags", tags, true);
  setList(e, "threat.technique.id", tags.filter((t) => typeof t === "string" && /^T\d{4}/.test(t)), true);

  setStr(e, "event.action", field(f, "evt.type"));
  setStr(e, "process.name", field(f, "proc.name"));
  setStr(e, "process.command_line", field(f, "proc.cmdline"));
  setStr(e, "process.executable", field(f, "proc.exepath") ?? field(f, "proc.exe"));
  // Falco's proc.cmdline is proc.name followed by the arguments, so its first word is the name
  // when a rule's output did not ask for proc.name itself.
  const exe = asString(e["process.executable"]);
  const cmdline = asString(e["process.command_line"]);
  if (e["process.name"] === undefined) {
    if (cmdline) setStr(e, "process.name", cmdline.trimStart().split(" ", 1)[0]);
    else if (exe) e["process.name"] = baseName(exe);
  }
  setNum(e, "process.pid", field(f, "proc.pid"));
  setStr(e, "process.working_directory", field(f, "proc.cwd"));
  setStr(e, "process.parent.name", field(f, "proc.pname"));
  setNum(e, "process.parent.pid", field(f, "proc.ppid"));
  setStr(e, "process.parent.command_line", field(f, "proc.pcmdline"));
  setStr(e, "process.parent.executable", field(f, "proc.pexepath") ?? field(f, "proc.pexe"));
  setStr(e, "process.hash.sha256", field(f, "proc.exe_sha256") ?? field(f, "proc.hash.sha256"));
  setStr(e, "user.name", field(f, "user.name"));
  setStr(e, "file.path", field(f, "fd.name") !== undefined && field(f, "fd.type") === "file" ? field(f, "fd.name") : undefined);

  mapContainer(e, f);
  mapNetwork(e, f);
  mapK8sAudit(e, f);
  return e;
}

function mapContainer(e: Event, f: JsonObject): void {
  const id = asString(field(f, "container.id"));
  // Falco says "host" for processes outside any container.
  if (id === undefined || id === "host") return;
  e["container.id"] = id;
  setStr(e, "container.name", field(f, "container.name"));
  let repository = asString(field(f, "container.image.repository"));
  let tag = asString(field(f, "container.image.tag"));
  const image = asString(field(f, "container.image"));
  if (!repository && image) {
    // "registry:5000/team/app:1.2" → repository and tag: the tag follows the last ":" after the last "/".
    const colon = image.lastIndexOf(":");
    const hasTag = colon > image.lastIndexOf("/");
    repository = hasTag ? image.slice(0, colon) : image;
    tag ??= hasTag ? image.slice(colon + 1) : undefined;
  }
  setStr(e, "container.image.name", repository);
  setStr(e, "container.image.tag", tag);
  setStr(e, "orchestrator.namespace", field(f, "k8s.ns.name"));
  setStr(e, "orchestrator.resource.name", field(f, "k8s.pod.name"));
  if (e["orchestrator.resource.name"] !== undefined) {
    e["orchestrator.resource.type"] = "pods";
    e["orchestrator.type"] = "kubernetes";
  }
}

/** Falco's "server" side (fd.sip) is where a connection goes: the pool, for a miner. */
function mapNetwork(e: Event, f: JsonObject): void {
  let sip = asString(field(f, "fd.sip")) ?? asString(field(f, "fd.rip"));
  let sport = field(f, "fd.sport") ?? field(f, "fd.rport");
  let cip = asString(field(f, "fd.cip")) ?? asString(field(f, "fd.lip"));
  let cport = field(f, "fd.cport") ?? field(f, "fd.lport");
  const fdName = asString(field(f, "fd.name"));
  if (sip === undefined && fdName) {
    const parsed = parseFdName(fdName);
    if (parsed) ({ sip, sport, cip, cport } = parsed);
  }
  setStr(e, "destination.ip", sip);
  setNum(e, "destination.port", sport);
  setStr(e, "source.ip", cip);
  setNum(e, "source.port", cport);
  const proto = asString(field(f, "fd.l4proto"));
  if (proto) e["network.transport"] = proto.toLowerCase();
  const sipName = asString(field(f, "fd.sip.name"));
  if (sipName) e["destination.domain"] = sipName.toLowerCase().replace(/\.$/, "");
}

/** Alerts from Falco's k8saudit plugin carry `ka.*` fields instead of process fields. */
function mapK8sAudit(e: Event, f: JsonObject): void {
  if (field(f, "ka.verb") === undefined && field(f, "ka.user.name") === undefined) return;
  setStr(e, "event.action", field(f, "ka.verb"));
  setStrIfAbsent(e, "user.name", field(f, "ka.user.name"));
  setStrIfAbsent(e, "orchestrator.namespace", field(f, "ka.target.namespace"));
  setStrIfAbsent(e, "orchestrator.resource.name", field(f, "ka.target.name"));
  setStrIfAbsent(e, "orchestrator.resource.type", field(f, "ka.target.resource"));
  setList(e, "container.image.name", [field(f, "ka.req.pod.containers.image") ?? field(f, "ka.req.container.image")], true);
  e["orchestrator.type"] = "kubernetes";
}
