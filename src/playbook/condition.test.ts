import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../detect/config.js";
import { makeFinding } from "../model/index.js";
import type { Finding, FindingDraft } from "../model/index.js";
import { parseCondition } from "./condition.js";
import type { Condition } from "./condition.js";
import { evaluate } from "./evaluate.js";
import { globMatch as globMatchForTest } from "./hosttype.js";
import type { EvalContext } from "./evaluate.js";
import { cpuMsSince } from "../test-helpers/index.js";

function cond(data: unknown): Condition {
  const r = parseCondition(data);
  assert.deepEqual(r.issues, [], "condition parses");
  return r.condition!;
}

function issues(data: unknown): string[] {
  const r = parseCondition(data);
  assert.equal(r.condition, undefined);
  return r.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

function f(over: Partial<FindingDraft> & { rule?: string }): Finding {
  const { rule, ...rest } = over;
  return makeFinding({
    rule: { id: rule ?? "r", name: rule ?? "r", kind: "detector" },
    title: "t", trigger: "host", severity: "high", confidence: 0.8,
    firstSeen: "2026-11-20T00:00:00Z", lastSeen: "2026-11-20T00:00:00Z",
    entities: {}, observables: [], evidence: [{ file: "x.log", line: Math.floor(Math.random() * 1e9) }],
    ...rest,
  });
}

function ctx(over: Partial<EvalContext> = {}): EvalContext {
  return {
    findings: [], scope: { hosts: 0, instances: 0, regions: 0, accounts: 0, clusters: 0 },
    environment: "cloud", triggers: [], facts: {}, actionsDone: new Set(), config: defaultConfig(), ...over,
  };
}

test("parse: unknown operators, extra keys and bad values are errors with their path", () => {
  assert.match(issues({ eval: "1+1" })[0]!, /unknown operator 'eval'/);
  assert.match(issues({ any: [{ scope: "hosts", gte: 2 }, { javascript: "x" }] })[0]!, /^any\.1: unknown operator 'javascript'/);
  assert.match(issues({ finding: { trigger: "host", colour: "red" } })[0]!, /^finding: Unrecognized key/);
  assert.match(issues({ finding: { trigger: "laser" } })[0]!, /^finding\.trigger/);
  assert.match(issues({ scope: "galaxies", gte: 1 })[0]!, /unknown scope "galaxies"/);
  assert.match(issues({ scope: "hosts" })[0]!, /exactly one comparator/);
  assert.match(issues({ scope: "hosts", gte: 1, lt: 3 })[0]!, /exactly one comparator/);
  assert.match(issues({ fact: "billingUsd", gt: { config: "billing.nope" } })[0]!, /\{config: NAME\}/);
  assert.match(issues({ fact: "wallet", gt: 1 })[0]!, /unknown fact "wallet"/);
  assert.match(issues({ all: [] })[0]!, /non-empty list/);
  assert.match(issues({ scope: "hosts", gte: 1, any: [] })[0]!, /several operators/);
  assert.match(issues({ environment: "mars" })[0]!, /expected one of cloud, on-premise, hybrid/);
  assert.match(issues({ action: "Kill Process" })[0]!, /kebab-case/);
  assert.match(issues({ finding: {} })[0]!, /at least one field/);
  assert.match(issues("scope > 2")[0]!, /expected a condition object/);
  assert.match(issues({ finding: { mitre: ["1496"] } })[0]!, /MITRE technique/);
});

test("parse: single values become lists; config references are kept", () => {
  assert.deepEqual(cond({ environment: "cloud" }), { environment: ["cloud"] });
  assert.deepEqual(cond({ finding: { trigger: "host", observable: "hash" } }), { finding: { trigger: ["host"], observable: ["hash"] } });
  assert.deepEqual(cond({ fact: "billingUsd", gt: { config: "billing.escalateUsd" } }),
    { fact: "billingUsd", compare: { op: "gt", value: { config: "billing.escalateUsd" } } });
});

test("finding: matches on every field given and returns the matching finding ids", () => {
  const proc = f({ observables: [{ type: "process", value: "xmrig" }], tags: ["pb-31:1.1"] });
  const dns = f({ trigger: "network", observables: [{ type: "domain", value: "pool.supportxmr.com" }], entities: { pools: ["pool.supportxmr.com"] } });
  const c = ctx({ findings: [proc, dns] });
  assert.deepEqual(evaluate(cond({ finding: { observable: ["hash", "process"] } }), c), { value: true, findings: [proc.id] });
  assert.deepEqual(evaluate(cond({ finding: { entity: "pools" } }), c), { value: true, findings: [dns.id] });
  assert.equal(evaluate(cond({ finding: { trigger: "network", observable: "process" } }), c).value, false, "both fields must hold on one finding");
  assert.equal(evaluate(cond({ finding: { anyTag: ["persistence"] } }), c).value, false);
  assert.equal(evaluate(cond({ finding: { minConfidence: 0.9 } }), c).value, false);
});

test("finding: MITRE matches a technique and its sub-techniques, not look-alikes", () => {
  const cron = f({ mitre: ["T1496", "T1053.003"] });
  const c = ctx({ findings: [cron] });
  assert.equal(evaluate(cond({ finding: { mitre: ["T1053"] } }), c).value, true);
  assert.equal(evaluate(cond({ finding: { mitre: ["T1053.003"] } }), c).value, true);
  assert.equal(evaluate(cond({ finding: { mitre: ["T1053.005"] } }), c).value, false);
  assert.equal(evaluate(cond({ finding: { mitre: ["T1049"] } }), c).value, false);
});

test("finding: factValue by equality or prefix (provider finding types)", () => {
  const gd = f({ trigger: "cloud-alert", facts: { "alert.type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS" } });
  const c = ctx({ findings: [gd] });
  assert.equal(evaluate(cond({ finding: { factValue: { key: "alert.type", startsWith: ["UnauthorizedAccess:IAMUser/"] } } }), c).value, true);
  assert.equal(evaluate(cond({ finding: { factValue: { key: "alert.type", startsWith: ["CryptoCurrency:"] } } }), c).value, false);
  assert.equal(evaluate(cond({ finding: { factValue: { key: "alert.mining", equals: [true] } } }), c).value, false, "missing fact never matches");
});

test("allFindings: true only when there are findings and every one matches", () => {
  const s1 = f({ sample: true });
  const s2 = f({ sample: true });
  const real = f({});
  const c = cond({ allFindings: { sample: true } });
  assert.equal(evaluate(c, ctx({ findings: [s1, s2] })).value, true);
  assert.equal(evaluate(c, ctx({ findings: [s1, real] })).value, false);
  assert.equal(evaluate(c, ctx({ findings: [] })).value, false, "no findings is not 'all samples'");
});

test("fact and scope: comparisons, config thresholds, exists", () => {
  const c = ctx({ facts: { billingUsd: 1500 }, scope: { hosts: 1, instances: 4, regions: 3, accounts: 1, clusters: 0 } });
  assert.equal(evaluate(cond({ fact: "billingUsd", gt: { config: "billing.escalateUsd" } }), c).value, true);
  const strict = { ...c, config: { ...c.config, billing: { ...c.config.billing, escalateUsd: 2000 } } };
  assert.equal(evaluate(cond({ fact: "billingUsd", gt: { config: "billing.escalateUsd" } }), strict).value, false, "threshold comes from config");
  assert.equal(evaluate(cond({ fact: "billingUsd", gt: 1500 }), c).value, false, "gt is strict");
  assert.equal(evaluate(cond({ fact: "billingUsd", gte: 1500 }), c).value, true);
  assert.equal(evaluate(cond({ fact: "confidence", exists: true }), c).value, false);
  assert.equal(evaluate(cond({ fact: "confidence", exists: false }), c).value, true);
  assert.equal(evaluate(cond({ fact: "confidence", gt: 0 }), c).value, false, "an unknown fact compares false");
  assert.equal(evaluate(cond({ scope: "regions", gte: { config: "cloudtrail.burstRegions" } }), c).value, true);
  assert.equal(evaluate(cond({ scope: "accounts", gte: 2 }), c).value, false);
  assert.equal(evaluate(cond({ scope: "clusters", eq: 0 }), c).value, true);
  assert.equal(evaluate(cond({ scope: "hosts", lt: 1 }), c).value, false);
  assert.equal(evaluate(cond({ scope: "hosts", lte: 1 }), c).value, true);
});

test("finding facts: finding.<key> compares per finding and returns the ones that qualify", () => {
  const two = f({ facts: { "regions.count": 2 } });
  const one = f({ facts: { "regions.count": "1" } });
  const c = ctx({ findings: [two, one] });
  assert.deepEqual(evaluate(cond({ fact: "finding.regions.count", gte: 2 }), c), { value: true, findings: [two.id] });
  assert.equal(evaluate(cond({ fact: "finding.regions.count", gt: 2 }), c).value, false);
  assert.deepEqual(evaluate(cond({ fact: "finding.regions.count", exists: true }), c).findings.sort(), [two.id, one.id].sort());
  assert.equal(evaluate(cond({ fact: "finding.nope", exists: false }), c).value, true);
});

test("all / any / not combine truth values and findings", () => {
  const a = f({ trigger: "host", observables: [{ type: "process", value: "xmrig" }] });
  const b = f({ trigger: "network", entities: { pools: ["p"] } });
  const c = ctx({ findings: [a, b], environment: "on-premise", triggers: ["host", "network"] });
  const both = evaluate(cond({ all: [{ finding: { observable: "process" } }, { finding: { entity: "pools" } }] }), c);
  assert.deepEqual(both, { value: true, findings: [a.id, b.id] });
  assert.deepEqual(evaluate(cond({ all: [{ finding: { observable: "process" } }, { environment: "cloud" }] }), c), { value: false, findings: [] });
  assert.deepEqual(evaluate(cond({ any: [{ environment: "cloud" }, { finding: { entity: "pools" } }] }), c), { value: true, findings: [b.id] });
  assert.deepEqual(evaluate(cond({ not: { finding: { entity: "pools" } } }), c), { value: false, findings: [] });
  assert.equal(evaluate(cond({ not: { environment: "cloud" } }), c).value, true);
  assert.equal(evaluate(cond({ trigger: ["billing", "network"] }), c).value, true);
  assert.equal(evaluate(cond({ trigger: "billing" }), c).value, false);
});

test("action: true once the response engine reports one of the actions done", () => {
  const c = cond({ action: ["isolate-instance", "terminate-instance"] });
  assert.equal(evaluate(c, ctx()).value, false);
  assert.equal(evaluate(c, ctx({ actionsDone: new Set(["terminate-instance"]) })).value, true);
});

test("globMatch: * and ? case-insensitively; a hostile name stays fast", () => {
  assert.equal(globMatchForTest("prod-*", "PROD-web-01"), true);
  assert.equal(globMatchForTest("*-test", "api-test"), true);
  assert.equal(globMatchForTest("ws-??", "ws-07"), true);
  assert.equal(globMatchForTest("ws-??", "ws-007"), false);
  assert.equal(globMatchForTest("db*", "web-db"), false);
  const start = process.cpuUsage();
  assert.equal(globMatchForTest("*a*a*a*a*a*a*a*b", "a".repeat(5000)), false);
  assert.ok(cpuMsSince(start) < 500, "no exponential backtracking");
});
