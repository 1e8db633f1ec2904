/**
 * Kubernetes API server audit log: `audit.k8s.io/v1` `Event` objects, one per line (the log backend,
 * EKS/AKS exports) or in an `EventList` (the webhook backend).
 *
 * The API server may log one request at several stages (RequestReceived, ResponseStarted,
 * ResponseComplete, Panic), all with the same auditID. One event per request comes out: the
 * completed stage when it is seen, else the latest early stage at the end of the input. The
 * auditIDs waiting and done are remembered in bounded tables (oldest dropped first), so memory does
 * not grow with the log. Stages dropped as duplicates are counted with `ctx.skipped()`.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { newEvent, setList, setStr } from "../cloud/event.js";
import { type JsonNode, readJsonNodes } from "../cloud/json-doc.js";
import { type RecordRef, parseObject, refOf } from "../cloud/records.js";
import { has, jsonHead, key } from "../cloud/sniff-json.js";
import { type JsonObject, asArray, asNumber, asObject, asString, dig, toIso } from "../cloud/values.js";
import { jsonPatchFacts, podSpecOf, workloadFacts } from "./k8s-workload.js";

export const K8S_AUDIT_ID = "kubernetes.audit";

/** Early-stage events held back waiting for their ResponseComplete. */
export const MAX_PENDING_STAGES = 10_000;
/** auditIDs already emitted, to drop a late duplicate stage. */
export const MAX_DONE_IDS = 50_000;

const FINAL_STAGES = new Set(["ResponseComplete", "Panic"]);
const WRITE_VERBS = new Set(["create", "update", "patch"]);

export const k8sAuditSource: Source = {
  id: K8S_AUDIT_ID,
  title: "Kubernetes API server audit log (audit.k8s.io Event lines, EventList)",
  emits: [{ dataset: "kubernetes.audit", categories: ["iam", "configuration"], sigma: ["kubernetes/audit"] }],
  sniff(sample: Sample): number {
    const t = jsonHead(sample);
    if (!t) return 0;
    // Both verdicts need the apiVersion: one search of it, not one per verdict.
    if (!has(t, "audit.k8s.io/")) return 0;
    if (has(t, key("auditID"))) return 0.95;
    if (has(t, key("EventList"))) return 0.9;
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseK8sAudit(input, ctx);
  },
};

/** A Set that forgets its oldest entries past a size (a ring of the last `max` added). */
class BoundedSet {
  private readonly items = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;
  constructor(max: number) {
    this.ring = new Array<string | undefined>(max);
  }
  has(v: string): boolean { return this.items.has(v); }
  add(v: string): void {
    if (this.items.has(v)) return;
    const old = this.ring[this.next];
    if (old !== undefined) this.items.delete(old);
    this.ring[this.next] = v;
    this.items.add(v);
    this.next = (this.next + 1) % this.ring.length;
  }
}

async function* parseK8sAudit(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const pending = new Map<string, Event>();
  const done = new BoundedSet(MAX_DONE_IDS);
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of auditRecords(top)) {
      const rec = parseObject(ref, ctx, "a Kubernetes audit Event");
      if (!rec) continue;
      if (typeof rec.verb !== "string" || (rec.kind !== undefined && rec.kind !== "Event")) {
        ctx.issue(ref.line, `${ref.label}: not a Kubernetes audit Event: expected kind "Event" with a "verb"`);
        continue;
      }
      const event = auditEvent(rec, { path: input.path, line: ref.line, format: K8S_AUDIT_ID });
      const id = asString(rec.auditID);
      if (id === undefined) { yield event; continue; }
      if (done.has(id)) { ctx.skipped(); continue; }
      const stage = asString(rec.stage);
      if (stage === undefined || FINAL_STAGES.has(stage)) {
        if (pending.delete(id)) ctx.skipped();
        done.add(id);
        yield event;
        continue;
      }
      // An early stage: keep the latest one per request until its completion shows up.
      if (pending.delete(id)) ctx.skipped();
      pending.set(id, event);
      if (pending.size > MAX_PENDING_STAGES) {
        const [oldId, oldEvent] = pending.entries().next().value as [string, Event];
        pending.delete(oldId);
        done.add(oldId);
        yield oldEvent;
      }
    }
  }
  // Requests whose completion never came (log cut, or a policy that omits ResponseComplete).
  yield* pending.values();
}

function* auditRecords(node: JsonNode): Generator<RecordRef> {
  if (node.isArray) {
    for (const el of node.elements()) yield refOf(el);
    return;
  }
  const items = node.isObject ? node.member("items") : undefined;
  if (items?.isArray) {
    for (const el of items.elements()) yield refOf(el);
    return;
  }
  yield refOf(node);
}

/** `command` parameters of a pods/exec request URI, joined: what was run inside the container. */
function execCommand(requestURI: string): string | undefined {
  const q = requestURI.indexOf("?");
  if (q === -1) return undefined;
  const words = new URLSearchParams(requestURI.slice(q + 1)).getAll("command");
  return words.length > 0 ? words.join(" ") : undefined;
}

export function auditEvent(rec: JsonObject, origin: { path: string; line: number; format: string }): Event {
  const ref = asObject(rec.objectRef);
  const resource = asString(ref?.resource);
  const apiGroup = asString(ref?.apiGroup);
  const category = apiGroup === "rbac.authorization.k8s.io" || resource === "serviceaccounts" ? ["iam"] : ["configuration"];
  const e = newEvent(origin, { dataset: "kubernetes.audit", kind: "event", category });
  setStr(e, "@timestamp", toIso(rec.requestReceivedTimestamp) ?? toIso(rec.stageTimestamp));
  setStr(e, "event.id", rec.auditID);
  setStr(e, "event.action", rec.verb);
  e["orchestrator.type"] = "kubernetes";
  setStr(e, "orchestrator.resource.type", resource);
  setStr(e, "minerhunt.k8s.subresource", ref?.subresource);
  setStr(e, "minerhunt.k8s.api_group", apiGroup);
  setStr(e, "minerhunt.k8s.audit_stage", rec.stage);
  setStr(e, "minerhunt.k8s.audit_level", rec.level);

  const user = asObject(rec.user);
  setStr(e, "user.name", user?.username);
  setList(e, "user.group.name", asArray(user?.groups), true);
  setStr(e, "minerhunt.k8s.impersonated_user", dig(rec, "impersonatedUser", "username"));
  const ips = asArray(rec.sourceIPs);
  setStr(e, "source.ip", ips[0]);
  setStr(e, "user_agent.original", rec.userAgent);
  const uri = asString(rec.requestURI);
  setStr(e, "url.original", uri);
  const code = asNumber(dig(rec, "responseStatus", "code"));
  if (code !== undefined) {
    e["http.response.status_code"] = code;
    e["event.outcome"] = code < 400 ? "success" : "failure";
  }
  setStr(e, "minerhunt.k8s.authz_decision", dig(rec, "annotations", "authorization.k8s.io/decision"));

  // The submitted object: requestObject when the policy logs it, else (for writes only: a read's
  // response was not submitted by anyone) the object the server returned.
  const requestObject = rec.requestObject;
  const responseObject = asObject(rec.responseObject);
  const written = WRITE_VERBS.has(asString(rec.verb) ?? "") && responseObject && responseObject.kind !== "Status" ? responseObject : undefined;
  const object = asObject(requestObject) ?? written;
  setStr(e, "orchestrator.namespace", ref?.namespace ?? dig(object, "metadata", "namespace"));
  // A controller creating a pod sends only generateName; the server's answer has the real name.
  setStr(e, "orchestrator.resource.name", ref?.name ?? dig(object, "metadata", "name") ?? dig(responseObject, "metadata", "name") ?? dig(object, "metadata", "generateName"));

  const spec = object ? podSpecOf(object) : undefined;
  if (spec) {
    const facts = workloadFacts(spec);
    setList(e, "container.image.name", facts.images, true);
    setList(e, "process.command_line", facts.commandLines, true);
    e["minerhunt.k8s.privileged"] = facts.privileged;
    setList(e, "minerhunt.k8s.host_path", facts.hostPaths, true);
    e["minerhunt.k8s.host_pid"] = facts.hostPID;
    e["minerhunt.k8s.host_network"] = facts.hostNetwork;
    e["minerhunt.k8s.host_ipc"] = facts.hostIPC;
    setStr(e, "minerhunt.k8s.service_account", facts.serviceAccount);
  } else if (Array.isArray(requestObject)) {
    const facts = jsonPatchFacts(requestObject);
    setList(e, "container.image.name", facts.images, true);
    setList(e, "process.command_line", facts.commandLines, true);
    if (facts.privileged) e["minerhunt.k8s.privileged"] = true;
  }
  if (asString(ref?.subresource) === "exec" && uri) setList(e, "process.command_line", [execCommand(uri)], true);
  // A dry run is checked by the server but never created.
  if (uri?.includes("dryRun=All")) e["minerhunt.k8s.dry_run"] = true;
  return e;
}
