/**
 * The public SigmaHQ collection (shared fixtures, DRL 1.1, read in place): it must load with at
 * least 99.5% compiled and a specific reason for each refusal; its mining rules must see and match
 * the minerhunt events they were written for; and the candidate index must never hide a match
 * (index result == brute force over every routed rule).
 */
import { before, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../model/index.js";
import { sharedFixture } from "../../test-helpers/index.js";
import { SigmaEngine } from "./engine.js";
import { EventView } from "./event-view.js";
import { loadRules } from "./loader.js";
import { routeAccepts } from "./routing.js";
import type { CompiledDetectionRule, LoadResult } from "./types.js";

let corpus: LoadResult | undefined;
let corpusDir: string | undefined;

async function loadCorpus(t: TestContext): Promise<LoadResult | undefined> {
  corpusDir ??= sharedFixture(t, "sigmahq");
  if (!corpusDir) return undefined;
  corpus ??= await loadRules([corpusDir]);
  return corpus;
}

function byTitle(r: LoadResult, title: string): CompiledDetectionRule {
  const rule = r.rules.find((x) => x.meta.title === title);
  assert.ok(rule && rule.kind === "detection", `rule '${title}' loaded`);
  return rule;
}

/** Does the rule see the event (routing) and match it? */
function fires(rule: CompiledDetectionRule, event: Event): boolean {
  return rule.route !== undefined && routeAccepts(rule.route, event) && rule.match(new EventView(event));
}

const linuxProc = (cmd: string, exe = "/usr/bin/bash"): Event => ({
  "event.dataset": "auditd", "event.category": ["process"], "process.command_line": cmd, "process.executable": exe, "host.name": "web1",
});

describe("SigmaHQ collection", () => {
  before(() => undefined);

  it("compiles at least 99.5% of the rules, with a specific reason for every refusal", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const total = r.stats.documents;
    assert.ok(total >= 3700, `read ${total} rules`);
    assert.ok(r.stats.compiled / total >= 0.995, `compiled ${r.stats.compiled} of ${total}`);
    for (const e of r.refused) {
      assert.ok(e.file && e.line > 0 && e.title, "refusals carry file, line and title");
      assert.doesNotMatch(e.message, /internal error/, `${e.file}: ${e.message}`);
    }
    t.diagnostic(`read ${total}, compiled ${r.stats.compiled}, refused ${r.refused.length}, warnings ${r.warnings.length}, not routed ${r.stats.notRouted}`);
  });

  it("Linux Crypto Mining Indicators: miner flags and base64 forms fire; ordinary commands do not", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const rule = byTitle(r, "Linux Crypto Mining Indicators");
    assert.equal(fires(rule, linuxProc("./xmrig --donate-level=0 -o pool.supportxmr.com:3333")), true);
    assert.equal(fires(rule, linuxProc("./k -o stratum+tcp://1.2.3.4:3333 -u w")), true);
    const b64 = Buffer.from("xxstratum+tcp://pool:443").toString("base64");
    assert.equal(fires(rule, linuxProc(`echo ${b64} | base64 -d | sh`)), true, "hand-written base64offset forms");
    assert.equal(fires(rule, linuxProc("make -j8 -C /src/threadpool")), false);
    assert.equal(fires(rule, linuxProc("ls -la /tmp")), false);
    assert.equal(fires(rule, { ...linuxProc("./xmrig --donate-level=0"), "host.os.type": "windows" }), false, "a linux rule does not see Windows hosts");
  });

  it("Linux Crypto Mining Pool Connections: exact pool names on flows, not look-alikes", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const rule = byTitle(r, "Linux Crypto Mining Pool Connections");
    const flow = (domain: string): Event => ({ "event.dataset": "zeek.conn", "event.category": ["network"], "destination.domain": domain, "destination.port": 3333 });
    assert.equal(fires(rule, flow("pool.supportxmr.com")), true);
    assert.equal(fires(rule, flow("POOL.SUPPORTXMR.COM")), true);
    assert.equal(fires(rule, flow("pool.ntp.org")), false);
    assert.equal(fires(rule, { ...flow("pool.supportxmr.com"), "event.dataset": "zeek.dns", "event.category": ["network", "dns"] }), false, "DNS is not a network_connection");
  });

  it("Zeek mining pool DNS: answers sinkholed to 127.0.0.1 and rejected queries are excluded", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const rule = byTitle(r, "DNS Events Related To Mining Pools");
    const q = (extra: Event): Event => ({ "event.dataset": "zeek.dns", "event.category": ["network", "dns"], "dns.question.name": "xmr-eu1.nanopool.org", ...extra });
    assert.equal(fires(rule, q({ "dns.answers.data": ["51.15.58.224"], "minerhunt.zeek.rejected": false })), true);
    assert.equal(fires(rule, q({ "dns.resolved_ip": ["51.15.58.224"] })), true);
    assert.equal(fires(rule, q({ "dns.answers.data": ["127.0.0.1"] })), false);
    assert.equal(fires(rule, q({ "dns.answers.data": ["51.15.58.224"], "minerhunt.zeek.rejected": true })), false, "boolean true equals the rule's 'true'");
    assert.equal(fires(rule, { ...q({}), "dns.question.name": "example.org" }), false);
  });

  it("Crypto Miner User Agent on proxy events, Monero pool lookups on DNS events", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const ua = byTitle(r, "Crypto Miner User Agent");
    const http = (agent: string): Event => ({ "event.dataset": "zeek.http", "event.category": ["network"], "user_agent.original": agent });
    assert.equal(fires(ua, http("XMRig 6.21.0 (Linux x86_64) libuv/1.44")), true);
    assert.equal(fires(ua, http("Mozilla/5.0 XMRig")), false);
    const lookup = byTitle(r, "Monero Crypto Coin Mining Pool Lookup");
    assert.equal(fires(lookup, { "event.dataset": "bind.query", "event.category": ["network", "dns"], "dns.question.name": "pool.supportxmr.com" }), true);
    assert.equal(fires(lookup, { "event.dataset": "bind.query", "event.category": ["network", "dns"], "dns.question.name": "www.example.com" }), false);
  });

  it("a rule that negates a field its events never carry is not routed (Zeek Z flag), with the reason", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const z = byTitle(r, "Suspicious DNS Z Flag Bit Set");
    assert.equal(z.route, undefined);
    assert.match(z.notRouted ?? "", /negates Z, which product zeek, service dns events never carry/);
    assert.ok(r.warnings.some((w) => w.code === "field-unavailable" && w.title === z.meta.title));
  });

  it("keyword-only Linux rules and unknown products are not routed", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    for (const rule of r.rules) {
      if (rule.kind !== "detection") continue;
      const ls = rule.meta.logsource;
      if (ls.product === "linux" && !ls.category && !ls.service) assert.equal(rule.route, undefined, rule.meta.title);
      if (ls.product === "opencanary") assert.equal(rule.route, undefined, rule.meta.title);
    }
  });

  it("the candidate index never hides a match: same results as evaluating every routed rule", async (t) => {
    const r = await loadCorpus(t);
    if (!r) return;
    const detections = r.rules.filter((x): x is CompiledDetectionRule => x.kind === "detection" && x.route !== undefined);
    // Events assembled from the rules' own required literals, so many rules come close to matching.
    const literals = new Map<string, string[]>();
    for (const rule of detections) for (const l of rule.witness ?? []) {
      const list = literals.get(l.ref.keys[0]!) ?? [];
      list.push(l.text);
      literals.set(l.ref.keys[0]!, list);
    }
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const pick = (field: string, fallback: string) => { const l = literals.get(field); return l && l.length ? l[rand(l.length)]! : fallback; };
    const shapes: Event[] = [
      { "event.dataset": "auditd", "event.category": ["process"] },
      { "event.dataset": "zeek.conn", "event.category": ["network"] },
      { "event.dataset": "zeek.dns", "event.category": ["network", "dns"] },
      { "event.dataset": "zeek.http", "event.category": ["network"] },
      { "event.dataset": "aws.cloudtrail", "event.category": ["configuration"] },
      { "event.dataset": "kubernetes.audit", "event.category": ["configuration"] },
      { "event.dataset": "endpoint.events.process", "event.category": ["process"], "host.os.type": "windows" },
    ];
    const events: Event[] = [];
    for (let i = 0; i < 3000; i++) {
      const e: Event = { ...shapes[i % shapes.length]! };
      e["process.command_line"] = `${pick("process.command_line", "ls")} ${pick("process.command_line", "-la")} ${rand(2) ? pick("process.command_line", "x") : ""}`;
      e["process.executable"] = rand(2) ? pick("process.executable", "/bin/sh") : `/usr/bin/${pick("process.executable", "bash").replace(/^.*[\\/]/, "")}`;
      e["process.parent.executable"] = pick("process.parent.executable", "/bin/bash");
      e["destination.domain"] = pick("destination.domain", "example.com");
      e["dns.question.name"] = pick("dns.question.name", "example.org");
      e["url.original"] = pick("url.original", "/index.html");
      e["user_agent.original"] = pick("user_agent.original", "curl/8.0");
      e["event.action"] = pick("event.action", "GetObject");
      e["event.provider"] = pick("event.provider", "s3.amazonaws.com");
      e["orchestrator.resource.type"] = pick("orchestrator.resource.type", "pods");
      events.push(e);
    }
    const viaIndex: string[] = [];
    const engine = new SigmaEngine(detections, { detection: (rule) => viaIndex.push(rule.key) }, { reportAll: true });
    const brute: string[] = [];
    let matched = 0;
    for (const e of events) {
      viaIndex.length = 0;
      engine.process(e);
      brute.length = 0;
      const view = new EventView(e);
      for (const rule of detections) if (routeAccepts(rule.route!, e) && rule.match(view)) brute.push(rule.key);
      assert.deepEqual([...viaIndex].sort(), [...brute].sort(), `event ${JSON.stringify(e)}`);
      matched += brute.length;
    }
    assert.ok(matched > 100, `the generated events matched ${matched} times, so the comparison means something`);
    assert.ok(engine.stats.evaluated < engine.stats.routed * 40, "the index skips most rules");
    t.diagnostic(`${matched} matches; evaluated ${engine.stats.evaluated} rules for ${engine.stats.routed} routed events`);
  });
});
