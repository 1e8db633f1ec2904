/**
 * Logsource routing and field mapping: which events a rule sees, how Sigma field names reach ECS
 * fields, and when a rule is "not routed" rather than run against events it cannot judge.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../model/index.js";
import { SigmaEngine } from "./engine.js";
import { EventView } from "./event-view.js";
import { fieldResolver } from "./field-map.js";
import { resolveRoute, routeAccepts } from "./routing.js";
import { sourceKeywords } from "./source-keywords.js";
import { defaultTables } from "./tables.js";
import { load, ruleText } from "./test-helpers/index.js";

const tables = defaultTables();

describe("routing table", () => {
  it("routes category rules by event.category and qualifies them by product", () => {
    const linux = resolveRoute(tables.routes, { product: "linux", category: "process_creation" })!;
    const win = resolveRoute(tables.routes, { product: "windows", category: "process_creation" })!;
    const any = resolveRoute(tables.routes, { category: "process_creation" })!;
    const ps: Event = { "event.dataset": "ps", "event.category": ["process"] };
    assert.equal(routeAccepts(linux, ps), true, "Linux sources write no host.os.type");
    assert.equal(routeAccepts(linux, { ...ps, "host.os.type": "linux" }), true);
    assert.equal(routeAccepts(linux, { ...ps, "host.os.type": "windows" }), false);
    assert.equal(routeAccepts(win, ps), false);
    assert.equal(routeAccepts(win, { ...ps, "host.os.type": "windows" }), true);
    assert.equal(routeAccepts(any, { ...ps, "host.os.type": "macos" }), true);
    assert.equal(routeAccepts(linux, { "event.dataset": "zeek.dns", "event.category": ["network", "dns"] }), false);
    assert.equal(linux.trigger, "host");
  });

  it("routes services by product and service, and maps the PB-31 triggers", () => {
    const ct = resolveRoute(tables.routes, { product: "aws", service: "cloudtrail" })!;
    assert.equal(routeAccepts(ct, { "event.dataset": "aws.cloudtrail", "event.category": ["configuration"] }), true);
    assert.equal(ct.trigger, "cloud-activity");
    const k8s = resolveRoute(tables.routes, { product: "kubernetes", category: "application", service: "audit" })!;
    assert.equal(routeAccepts(k8s, { "event.dataset": "kubernetes.audit" }), true);
    assert.equal(k8s.trigger, "container");
    assert.equal(resolveRoute(tables.routes, { category: "dns" })!.trigger, "network");
    assert.equal(resolveRoute(tables.routes, { product: "zeek", service: "dns" })!.datasets[0], "zeek.dns");
    const flows = resolveRoute(tables.routes, { category: "network_connection" })!;
    assert.equal(routeAccepts(flows, { "event.dataset": "aws.vpcflow", "event.category": ["network"] }), true);
    assert.equal(routeAccepts(flows, { "event.dataset": "zeek.dns", "event.category": ["network", "dns"] }), false, "DNS records are not connections");
  });

  it("leaves unknown logsources unrouted: product-only keyword rules, unknown services and products", () => {
    assert.equal(resolveRoute(tables.routes, { product: "linux" }), undefined);
    assert.equal(resolveRoute(tables.routes, { product: "azure", service: "signinlogs" }), undefined);
    assert.equal(resolveRoute(tables.routes, { product: "solaris", category: "process_creation" }), undefined);
    const r = load(ruleText("keywords:\n  - 'xmrig'\ncondition: keywords", "  product: linux"));
    const rule = r.rules[0]!;
    assert.ok(rule.kind === "detection" && rule.route === undefined);
    assert.match(rule.kind === "detection" ? rule.notRouted ?? "" : "", /no entry in the routing table/);
    const hits: string[] = [];
    const engine = new SigmaEngine(r.rules, { detection: (x) => hits.push(x.meta.title) });
    engine.process({ "event.dataset": "auditd", "event.category": ["process"], message: "xmrig" });
    assert.deepEqual(hits, [], "an unrouted keyword rule never runs");
  });

  it("does not route a rule that negates a field its events never carry", () => {
    const neg = load(ruleText("sel:\n  query|contains: '.'\nflag:\n  Z: 0\ncondition: sel and not flag", "  product: zeek\n  service: dns"));
    const rule = neg.rules[0]!;
    assert.ok(rule.kind === "detection" && rule.route === undefined);
    assert.ok(neg.warnings.some((w) => w.code === "field-unavailable" && /negates Z/.test(w.message)));
    const pos = load(ruleText("sel:\n  query|contains: '.'\n  Z: 1\ncondition: sel", "  product: zeek\n  service: dns"));
    assert.ok(pos.rules[0]!.kind === "detection" && pos.rules[0]!.route !== undefined, "a positive test of a missing field only fails to match");
    const doubled = load(ruleText("sel:\n  query|contains: '.'\nflag:\n  Z|neq: 0\ncondition: sel and not flag", "  product: zeek\n  service: dns"));
    assert.ok(doubled.rules[0]!.kind === "detection" && doubled.rules[0]!.route !== undefined, "not over neq is positive again");
  });
});

describe("field mapping", () => {
  it("maps taxonomy names to ECS, per logsource, and falls back to the raw name", () => {
    const proc = fieldResolver(tables.fields, { product: "linux", category: "process_creation" });
    assert.deepEqual(proc("Image").keys, ["process.executable"]);
    assert.deepEqual(proc("CommandLine").keys, ["process.command_line"]);
    assert.deepEqual(proc("ParentImage").keys, ["process.parent.executable"]);
    assert.deepEqual(proc("commandline").keys, ["process.command_line"], "case-insensitive fallback within the table");
    assert.deepEqual(proc("process.name").keys, ["process.name"], "ECS names pass through");
    assert.deepEqual(proc("SomethingElse").keys, ["SomethingElse"]);
    const ct = fieldResolver(tables.fields, { product: "aws", service: "cloudtrail" });
    assert.deepEqual(ct("eventName").keys, ["event.action"]);
    assert.deepEqual(ct("errorCode").keys, ["aws.cloudtrail.error_code"]);
    const rp = ct("requestParameters.instanceType");
    assert.deepEqual([rp.keys, rp.json], [["aws.cloudtrail.request_parameters"], ["instanceType"]]);
    const k8s = fieldResolver(tables.fields, { product: "kubernetes", service: "audit" });
    assert.deepEqual(k8s("objectRef.resource").keys, ["orchestrator.resource.type"]);
    const proxy = fieldResolver(tables.fields, { category: "proxy" });
    assert.deepEqual(proxy("c-uri").keys, ["url.original"]);
    assert.deepEqual(proxy("cs-host").keys, ["url.domain"]);
    assert.deepEqual(proxy("c-useragent").keys, ["user_agent.original"]);
    const dns = fieldResolver(tables.fields, { category: "dns" });
    assert.deepEqual(dns("query").keys, ["dns.question.name"]);
    const auditd = fieldResolver(tables.fields, { product: "linux", service: "auditd" });
    assert.equal(auditd("a1").index, 1);
  });

  it("reads JSON paths, array elements and the first present of several fields", () => {
    const ct = fieldResolver(tables.fields, { product: "aws", service: "cloudtrail" });
    const view = new EventView({ "aws.cloudtrail.request_parameters": '{"instancesSet":{"items":[{"imageId":"ami-1"},{"imageId":"ami-2"}]},"instanceType":"p3.2xlarge"}' });
    assert.deepEqual(view.strings(ct("requestParameters.instanceType")), ["p3.2xlarge"]);
    assert.deepEqual(view.strings(ct("requestParameters.instancesSet.items.imageId")), ["ami-1", "ami-2"]);
    assert.equal(view.exists(ct("requestParameters.missing")), false);
    const broken = new EventView({ "aws.cloudtrail.request_parameters": "{not json" });
    assert.deepEqual(broken.strings(ct("requestParameters.instanceType")), []);
    const auditd = fieldResolver(tables.fields, { product: "linux", service: "auditd" });
    assert.deepEqual(new EventView({ "process.args": ["xmrig", "--cpu-priority", "5"] }).strings(auditd("a1")), ["--cpu-priority"]);
    const net = fieldResolver(tables.fields, { category: "network_connection" });
    assert.deepEqual(new EventView({ "tls.client.server_name": "pool.x" }).strings(net("DestinationHostname")), ["pool.x"]);
  });
});

describe("source keywords for the raw-record prefilter", () => {
  it("lists the literals of the rules routed to a source, or null when one rule needs none", () => {
    const r = load(ruleText("sel:\n  Image|endswith: '\\xmrig.exe'\n  CommandLine|contains: 'pool'\ncondition: sel", "  category: process_creation"));
    const kw = sourceKeywords(r.rules, { "event.dataset": "auditd", "event.category": ["process"] });
    assert.ok(kw && kw.length === 1 && ["\\xmrig.exe", "pool"].includes(kw[0]!));
    assert.deepEqual(sourceKeywords(r.rules, { "event.dataset": "zeek.dns", "event.category": ["dns"] }), []);
    const open = load(ruleText("sel:\n  User|exists: true\ncondition: sel", "  category: process_creation"));
    assert.equal(sourceKeywords(open.rules, { "event.dataset": "auditd", "event.category": ["process"] }), null);
  });
});
