/**
 * Conformance checklist §2 item 15 (sigma.md): correlation rules (all seven types, sliding windows,
 * group-by, aliases, chaining, generate) and filters (AND NOT injection), through the real engine.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../model/index.js";
import { CorrelationRun, MAX_GROUPS } from "./correlation-run.js";
import { SigmaEngine } from "./engine.js";
import { load } from "./test-helpers/index.js";
import type { CompiledCorrelationRule } from "./types.js";

const T0 = Date.parse("2026-11-20T03:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function dns(host: string, name: string, minutes: number, extra: Event = {}): Event {
  return { "event.dataset": "zeek.dns", "event.category": ["network", "dns"], "host.name": host, "dns.question.name": name, "@timestamp": at(minutes), ...extra };
}
function proc(host: string, exe: string, minutes: number, extra: Event = {}): Event {
  return { "event.dataset": "auditd", "event.category": ["process"], "host.name": host, "process.executable": exe, "@timestamp": at(minutes), ...extra };
}

const POOL_DNS = `title: Pool lookup
id: 6a1d4c1e-0d5e-4f4b-9d0a-7b8f0e1c2a3b
name: pool_lookup
status: test
level: low
logsource: {category: dns}
detection:
  sel:
    QueryName|endswith: '.nanopool.org'
  condition: sel
`;
const MINER_PROC = `title: Miner process
id: 2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f
name: miner_process
status: test
level: high
logsource: {product: linux, category: process_creation}
detection:
  sel:
    Image|endswith: '/xmrig'
  condition: sel
`;

function correlation(body: string, title = "Correlation"): string {
  return `title: ${title}\nid: 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a\nstatus: test\nlevel: critical\ncorrelation:\n${body.split("\n").map((l) => `  ${l}`).join("\n")}\n`;
}

function run(docs: string[], events: Event[]): { detections: string[]; correlations: { title: string; metric: number; group: Record<string, string>; count: number }[] } {
  const r = load(docs.join("---\n"));
  assert.deepEqual(r.refused, [], "all rules compile");
  const detections: string[] = [];
  const correlations: { title: string; metric: number; group: Record<string, string>; count: number }[] = [];
  const engine = new SigmaEngine(r.rules, {
    detection: (rule) => detections.push(rule.meta.title),
    correlation: (rule, hit) => correlations.push({ title: rule.meta.title, metric: hit.metric, group: hit.groupValues, count: hit.records.length }),
  });
  for (const e of events) engine.process(e);
  engine.finish();
  return { detections, correlations };
}

describe("correlations: event_count", () => {
  const rule = correlation("type: event_count\nrules: [pool_lookup]\ngroup-by: [host.name]\ntimespan: 5m\ncondition: {gte: 3}");

  it("fires once when a group reaches the count inside the timespan", () => {
    const out = run([POOL_DNS, rule], [dns("a", "xmr-eu1.nanopool.org", 0), dns("a", "xmr-eu1.nanopool.org", 1), dns("a", "eth.nanopool.org", 2), dns("a", "xmr.nanopool.org", 3)]);
    assert.equal(out.correlations.length, 1);
    assert.deepEqual(out.correlations[0]!.group, { "host.name": "a" });
    assert.equal(out.correlations[0]!.metric, 3);
  });

  it("counts each group separately", () => {
    const out = run([POOL_DNS, rule], [dns("a", "x.nanopool.org", 0), dns("b", "x.nanopool.org", 1), dns("a", "x.nanopool.org", 2)]);
    assert.equal(out.correlations.length, 0);
  });

  it("slides: three events in 5 minutes across a bucket boundary still fire", () => {
    // Fixed 5-minute buckets would see 2 + 2; the sliding window [4, 9] holds three.
    const out = run([POOL_DNS, rule], [dns("a", "x.nanopool.org", 0), dns("a", "x.nanopool.org", 4), dns("a", "x.nanopool.org", 8), dns("a", "x.nanopool.org", 9)]);
    assert.equal(out.correlations.length, 1);
  });

  it("does not fire when the events are spread wider than the timespan", () => {
    const out = run([POOL_DNS, rule], [dns("a", "x.nanopool.org", 0), dns("a", "x.nanopool.org", 6), dns("a", "x.nanopool.org", 12)]);
    assert.equal(out.correlations.length, 0);
  });

  it("referenced rules produce no findings of their own unless generate is true", () => {
    const events = [dns("a", "x.nanopool.org", 0), dns("a", "x.nanopool.org", 1), dns("a", "x.nanopool.org", 2)];
    assert.deepEqual(run([POOL_DNS, rule], events).detections, []);
    const gen = correlation("type: event_count\nrules: [pool_lookup]\ngroup-by: [host.name]\ntimespan: 5m\ncondition: {gte: 3}\ngenerate: true");
    assert.equal(run([POOL_DNS, gen], events).detections.length, 3);
  });

  it("judges upper-bound conditions when the window closes (lt)", () => {
    const few = correlation("type: event_count\nrules: [pool_lookup]\ngroup-by: [host.name]\ntimespan: 5m\ncondition: {lt: 3}");
    const out = run([POOL_DNS, few], [dns("a", "x.nanopool.org", 0), dns("a", "x.nanopool.org", 1), dns("b", "x.nanopool.org", 0), dns("b", "x.nanopool.org", 1), dns("b", "x.nanopool.org", 2)]);
    assert.deepEqual(out.correlations.map((c) => c.group["host.name"]), ["a"]);
    const range = correlation("type: event_count\nrules: [pool_lookup]\ngroup-by: [host.name]\ntimespan: 5m\ncondition: {gt: 1, lte: 2}");
    assert.deepEqual(run([POOL_DNS, range], [dns("a", "x.nanopool.org", 0), dns("a", "x.nanopool.org", 1), dns("a", "x.nanopool.org", 20)]).correlations.map((c) => c.metric), [2]);
  });
});

describe("correlations: value_count and metrics", () => {
  it("value_count counts distinct values of a field per group", () => {
    const rule = correlation("type: value_count\nrules: [pool_lookup]\ngroup-by: [host.name]\ntimespan: 10m\ncondition: {field: QueryName, gte: 3}");
    const same = [0, 1, 2, 3].map((m) => dns("a", "xmr.nanopool.org", m));
    assert.equal(run([POOL_DNS, rule], same).correlations.length, 0);
    const distinct = ["xmr", "eth", "zec"].map((p, i) => dns("a", `${p}.nanopool.org`, i));
    const out = run([POOL_DNS, rule], distinct);
    assert.equal(out.correlations.length, 1);
    assert.equal(out.correlations[0]!.metric, 3);
  });

  const FLOW = `title: Miner port flow\nid: 3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b\nname: miner_flow\nlogsource: {category: network_connection}\ndetection:\n  sel:\n    DestinationPort: 3333\n  condition: sel\n`;
  const flow = (host: string, bytes: number, minutes: number): Event => ({
    "event.dataset": "zeek.conn", "event.category": ["network"], "host.name": host, "destination.port": 3333, "source.bytes": bytes, "@timestamp": at(minutes),
  });

  it("value_sum, value_avg and value_percentile measure a numeric field", () => {
    const sum = correlation("type: value_sum\nrules: [miner_flow]\ngroup-by: [host.name]\ntimespan: 1h\ncondition: {field: source.bytes, gt: 1000}");
    assert.equal(run([FLOW, sum], [flow("a", 400, 0), flow("a", 400, 1)]).correlations.length, 0);
    assert.deepEqual(run([FLOW, sum], [flow("a", 400, 0), flow("a", 400, 1), flow("a", 300, 2)]).correlations.map((c) => c.metric), [1100]);
    const avg = correlation("type: value_avg\nrules: [miner_flow]\ngroup-by: [host.name]\ntimespan: 1h\ncondition: {field: source.bytes, gt: 500}");
    assert.deepEqual(run([FLOW, avg], [flow("a", 400, 0), flow("a", 900, 1)]).correlations.map((c) => c.metric), [650]);
    assert.equal(run([FLOW, avg], [flow("a", 100, 0), flow("a", 200, 1)]).correlations.length, 0);
    const pct = correlation("type: value_percentile\nrules: [miner_flow]\ngroup-by: [host.name]\ntimespan: 1h\ncondition: {field: source.bytes, percentile: 50, gte: 500}");
    assert.deepEqual(run([FLOW, pct], [flow("a", 100, 0), flow("a", 600, 1), flow("a", 700, 2)]).correlations.map((c) => c.metric), [600]);
  });
});

describe("correlations: temporal", () => {
  const temporal = correlation("type: temporal\nrules: [pool_lookup, miner_process]\ngroup-by: [host.name]\ntimespan: 10m");
  const ordered = correlation("type: temporal_ordered\nrules: [pool_lookup, miner_process]\ngroup-by: [host.name]\ntimespan: 10m");

  it("temporal fires when all rules match in the window, in any order, on the same group", () => {
    assert.equal(run([POOL_DNS, MINER_PROC, temporal], [proc("a", "/tmp/xmrig", 0), dns("a", "x.nanopool.org", 3)]).correlations.length, 1);
    assert.equal(run([POOL_DNS, MINER_PROC, temporal], [proc("a", "/tmp/xmrig", 0), dns("b", "x.nanopool.org", 3)]).correlations.length, 0);
    assert.equal(run([POOL_DNS, MINER_PROC, temporal], [proc("a", "/tmp/xmrig", 0), dns("a", "x.nanopool.org", 30)]).correlations.length, 0);
  });

  it("temporal_ordered needs the listed order", () => {
    assert.equal(run([POOL_DNS, MINER_PROC, ordered], [dns("a", "x.nanopool.org", 0), proc("a", "/tmp/xmrig", 2)]).correlations.length, 1);
    assert.equal(run([POOL_DNS, MINER_PROC, ordered], [proc("a", "/tmp/xmrig", 0), dns("a", "x.nanopool.org", 2)]).correlations.length, 0);
  });

  it("takes pySigma's boolean expression over rule names", () => {
    const expr = correlation("type: temporal\nrules: [pool_lookup, miner_process]\ngroup-by: [host.name]\ntimespan: 10m\ncondition: pool_lookup and not miner_process");
    const out = run([POOL_DNS, MINER_PROC, expr], [dns("a", "x.nanopool.org", 0)]);
    assert.equal(out.correlations.length, 1);
  });

  it("joins different fields through aliases", () => {
    const FLOW_OUT = `title: Flow to pool\nid: 4f5a6b7c-8d9e-4f0a-9b1c-2d3e4f5a6b7c\nname: flow_out\nlogsource: {category: network_connection}\ndetection:\n  sel:\n    DestinationPort: 3333\n  condition: sel\n`;
    const aliased = correlation([
      "type: temporal", "rules: [pool_lookup, flow_out]", "group-by: [client]", "timespan: 10m",
      "aliases:", "  client:", "    pool_lookup: SourceIp", "    flow_out: source.ip",
    ].join("\n"));
    const flow = (ip: string, m: number): Event => ({ "event.dataset": "zeek.conn", "event.category": ["network"], "source.ip": ip, "destination.port": 3333, "@timestamp": at(m) });
    const out = run([POOL_DNS, FLOW_OUT, aliased], [dns("a", "x.nanopool.org", 0, { "source.ip": "10.0.0.5" }), flow("10.0.0.5", 1)]);
    assert.equal(out.correlations.length, 1);
    assert.deepEqual(out.correlations[0]!.group, { client: "10.0.0.5" });
    assert.equal(run([POOL_DNS, FLOW_OUT, aliased], [dns("a", "x.nanopool.org", 0, { "source.ip": "10.0.0.5" }), flow("10.0.0.9", 1)]).correlations.length, 0);
  });
});

describe("correlations: chains, references and bounds", () => {
  it("chains: many lookups (event_count) followed by a miner process (temporal_ordered), the spec's 4-document shape", () => {
    const outer = `title: Lookups then miner\nid: b180ead8-d58f-40b2-ae54-c8940995b9b6\nlevel: critical\ncorrelation:\n  type: temporal_ordered\n  rules: [many_lookups, miner_process]\n  group-by: [host.name]\n  timespan: 10m\n`;
    const inner = `title: Many lookups\nid: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\nname: many_lookups\ncorrelation:\n  type: event_count\n  rules: [pool_lookup]\n  group-by: [host.name]\n  timespan: 10m\n  condition: {gte: 3}\n`;
    const events = [dns("a", "x.nanopool.org", 0), dns("a", "x.nanopool.org", 1), dns("a", "x.nanopool.org", 2), proc("a", "/tmp/xmrig", 3)];
    const out = run([outer, inner, POOL_DNS, MINER_PROC], events);
    assert.deepEqual(out.correlations.map((c) => c.title), ["Lookups then miner"], "only the outermost correlation reports");
    assert.deepEqual(out.detections, []);
    assert.equal(run([outer, inner, POOL_DNS, MINER_PROC], [proc("a", "/tmp/xmrig", 0), ...events.slice(0, 3)]).correlations.length, 0);
  });

  it("refuses correlations that name unknown rules or loop", () => {
    const missing = load(correlation("type: event_count\nrules: [nope]\ngroup-by: [host.name]\ntimespan: 5m\ncondition: {gte: 3}"));
    assert.match(missing.refused[0]!.message, /'nope', which is not loaded/);
    const a = "title: A\nid: 0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a\nname: ca\ncorrelation: {type: temporal, rules: [cb], group-by: [x], timespan: 1m}\n";
    const b = "title: B\nid: 0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b\nname: cb\ncorrelation: {type: temporal, rules: [ca], group-by: [x], timespan: 1m}\n";
    const loop = load(`${a}---\n${b}`);
    assert.equal(loop.rules.length, 0);
    assert.ok(loop.refused.every((e) => /loops back/.test(e.message)));
  });

  it("refuses malformed correlation sections with the reason", () => {
    const bad = (body: string) => load(correlation(body)).refused[0]?.message ?? "";
    assert.match(bad("type: event_sum\nrules: [x]\ntimespan: 5m"), /correlation type 'event_sum'/);
    assert.match(bad("type: event_count\nrules: [x]\ntimespan: 5 minutes\ncondition: {gte: 1}"), /timespan/);
    assert.match(bad("type: event_count\nrules: [x]\ntimespan: 5m"), /needs a condition/);
    assert.match(bad("type: value_count\nrules: [x]\ntimespan: 5m\ncondition: {gte: 2}"), /needs 'field'/);
    assert.match(bad("type: event_count\nrules: [x]\ntimespan: 5m\ncondition: {above: 2}"), /unknown correlation condition key/);
  });

  it("keeps state bounded: old groups are dropped past the limit", () => {
    const r = load(`${POOL_DNS}---\n${correlation("type: event_count\nrules: [pool_lookup]\ngroup-by: [host.name]\ntimespan: 1h\ncondition: {gte: 1000}")}`);
    const corr = r.rules.find((x): x is CompiledCorrelationRule => x.kind === "correlation")!;
    const runState = new CorrelationRun(corr);
    for (let i = 0; i < MAX_GROUPS + 500; i++) {
      runState.add({ t: T0 + i, source: corr.sources[0]!, groupKey: `h${i}`, groupValues: {}, evidence: [], evidenceCount: 1, entities: {}, observables: [], trigger: "network" }, () => undefined);
    }
    assert.ok(runState.groupCount <= MAX_GROUPS);
    assert.ok(runState.dropped >= 500);
  });
});

describe("filters", () => {
  const filter = `title: Our own pool test host\nid: 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b\nlogsource: {category: dns}\nfilter:\n  rules: [pool_lookup]\n  selection:\n    host.name: lab-miner\n  condition: selection\n`;

  it("adds AND NOT filter to the named rules", () => {
    const out = run([POOL_DNS, filter], [dns("lab-miner", "x.nanopool.org", 0), dns("web1", "x.nanopool.org", 1)]);
    assert.deepEqual(out.detections, ["Pool lookup"]);
  });

  it("rules: any applies to every rule with a matching logsource", () => {
    const any = filter.replace("rules: [pool_lookup]", "rules: any");
    const out = run([POOL_DNS, MINER_PROC, any], [dns("lab-miner", "x.nanopool.org", 0), proc("lab-miner", "/tmp/xmrig", 1)]);
    assert.deepEqual(out.detections, ["Miner process"], "the process rule has another logsource");
  });

  it("filter identifiers never join the rule's own 1 of patterns", () => {
    const rule = `title: Sel\nid: 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d\nname: sel_rule\nlogsource: {category: dns}\ndetection:\n  selection_a:\n    QueryName: a.example\n  condition: 1 of selection_*\n`;
    const f = `title: F\nid: 8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e\nlogsource: {category: dns}\nfilter:\n  rules: [sel_rule]\n  selection_b:\n    QueryName: b.example\n  condition: 1 of selection_*\n`;
    const out = run([rule, f], [dns("h", "b.example", 0), dns("h", "a.example", 1)]);
    assert.deepEqual(out.detections, ["Sel"]);
  });

  it("warns when a filter names a rule that is not loaded", () => {
    const r = load(filter);
    assert.ok(r.warnings.some((w) => w.code === "filter-target"));
  });
});
