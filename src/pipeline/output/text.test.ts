import { test } from "node:test";
import assert from "node:assert/strict";
import { makeFinding, type Finding, type Incident } from "../../model/index.js";
import type { ScanResult } from "../scan.js";
import { formatText, safe } from "./text.js";

let line = 0;
function finding(rule: string, kind: "detector" | "sigma", confidence: number, title: string): Finding {
  return makeFinding({
    rule: { id: rule, name: rule, kind }, title, trigger: "host", severity: "high", confidence,
    firstSeen: "2026-11-18T21:41:00Z", lastSeen: "2026-11-18T21:41:00Z", entities: { hosts: ["db01"] },
    // A finding is one fact: two findings of one rule differ in what they are about.
    observables: [{ type: "process", value: title }], evidence: [{ file: "x.log", line: ++line }],
  });
}

const result = (findings: Finding[]): ScanResult => ({
  files: [{ path: "x.log", format: "ps", events: 3, skipped: 0, issues: 0 }], events: 3, skipped: 0,
  issues: [], issuesTotal: 0, findings, readSomething: true, durationMs: 12,
});

function incident(findings: Finding[]): Incident {
  return {
    id: "inc-1", title: "Cryptomining — host db01", status: "open", severity: "high", confidence: 0.99,
    firstSeen: "2026-11-18T21:41:00Z", lastSeen: "2026-11-18T21:41:00Z", findingIds: findings.map((f) => f.id),
    entities: { hosts: ["db01"] }, scope: { hosts: 1, instances: 0, regions: 0, accounts: 0, clusters: 0 },
    environment: "on-premise", triggers: ["host"], hostType: "production", priority: "P1", escalations: [], checklist: [],
  };
}

test("each built-in detector's best finding comes first, then Sigma rules, then repeats", () => {
  const fs = [
    finding("miner-process", "detector", 0.95, "miner one"),
    finding("miner-process", "detector", 0.9, "miner two"),
    finding("sigma-x", "sigma", 0.6, "generic rule"),
    finding("entry-vector", "detector", 0.55, "postgres ran a script"),
  ];
  const out = formatText(result(fs), [incident(fs)], { color: false });
  const order = ["miner one", "postgres ran a script", "generic rule", "miner two"].map((t) => out.indexOf(t));
  assert.ok(order.every((i) => i > 0), out);
  assert.deepEqual([...order].sort((a, b) => a - b), order);
});

test("log text cannot move the cursor or recolour the terminal", () => {
  assert.equal(safe("kswapd0\u001b[2J\u001b[31mOK\r\u0007"), "kswapd0\\u001b[2J\\u001b[31mOK\\u000d\\u0007");
  const hostile = finding("miner-process", "detector", 0.9, "xmrig \u001b]0;owned\u0007");
  const out = formatText(result([hostile]), [incident([hostile])], { color: false });
  assert.ok(!out.includes("\u001b"), "no raw escape reaches the terminal");
});

test("nothing read and nothing found are told apart", () => {
  const none = formatText({ ...result([]), readSomething: false }, [], { color: false });
  assert.match(none, /^Nothing could be read/);
  assert.match(formatText(result([]), [], { color: false }), /^No cryptomining incident found/);
});
