import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { falcoSource } from "./falco.js";
import { falcoTextSource } from "./falco-text.js";

test("Falco text: the same alerts as Falco's JSON output of the same capture (falcosecurity/testing cat_write)", async (t) => {
  const textPath = sharedFixture(t, "falco-text/falcosecurity-testing-single_rule_with_cat_write.text.log");
  const jsonPath = sharedFixture(t, "falco-text/falcosecurity-testing-single_rule_with_cat_write.json-output.jsonl");
  if (!textPath || !jsonPath) return;
  const text = await parseFileWith(falcoTextSource, textPath);
  const json = await parseFileWith(falcoSource, jsonPath);
  assert.deepEqual(text.issues, []);
  assert.equal(text.events.length, 8);
  assert.equal(text.events.length, json.events.length);
  // Text output has no rule name, tags or host name; everything else must agree.
  const same = ["@timestamp", "message", "event.dataset", "event.kind", "event.category", "minerhunt.alert.priority",
    "minerhunt.alert.severity", "process.command_line", "process.name", "minerhunt.line"];
  text.events.forEach((e, i) => {
    for (const key of same) assert.deepEqual(e[key], json.events[i]![key], `${key} of alert ${i + 1}`);
  });
  assert.equal(text.events[0]!["@timestamp"], "2016-08-04T16:17:57.881Z");
  assert.equal(text.events[0]!["rule.name"], "An open was seen", "the output's sentence stands in for the rule name");
  assert.ok(await sniffWith(falcoTextSource, readFileSync(textPath)) >= 0.9);
  assert.equal(await sniffWith(falcoSource, readFileSync(textPath)), 0);
});

// Falco's default text layout (local clock, no date) for its own miner rules, as rendered from the
// outputs in falcosecurity/rules (rules/falco-sandbox_rules.yaml), plus a line from syslog.
const MINER_LINES = [
  "03:14:07.341081180: Critical Possible miner running (command=/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5k --donate-level=1 pid=4711 container_id=3f1e2d9c8b7a image=ghcr.io/acme/payments-api) k8s.ns=payments k8s.pod=payments-api-7d9f8b6c5-x2x4k",
  "03:14:08.000511002: Critical Outbound connection to IP/Port flagged by https://cryptoioc.ch (proc.cmdline=kworkerds -c config.json connection=10.0.3.7:43210->141.94.96.144:3333 user=www-data container.id=host)",
  "Nov 20 03:14:09 node-7 falco[812]: 03:14:09.120000000: Warning Executing binary not part of base image (proc.exe=/tmp/.x/xmrig proc.cmdline=xmrig -c a=b.json user=root container_id=3f1e2d9c8b7a)",
  "03:14:10.5: Critical this is not",
  "03:14:11.000000001 Critical missing colon",
].join("\n");

test("Falco text: miner rules named from their output, key=value fields mapped as the JSON source maps them", async () => {
  const { events, issues } = await parseWith(falcoTextSource, MINER_LINES, "falco.log");
  assert.equal(events.length, 4);
  assert.deepEqual(issues.map((i) => i.line), [5]);
  const [stratum, outbound, dropped] = events;
  assert.equal(stratum!["rule.name"], "Detect crypto miners using the Stratum protocol");
  assert.ok((stratum!["tags"] as string[]).includes("T1496"));
  assert.equal(stratum!["event.dataset"], "falco.alerts");
  assert.equal(stratum!["minerhunt.format"], "falco.text");
  assert.equal(stratum!["minerhunt.alert.severity"], "critical");
  assert.equal(stratum!["process.command_line"], "/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5k --donate-level=1");
  assert.equal(stratum!["process.pid"], 4711);
  assert.equal(stratum!["container.id"], "3f1e2d9c8b7a");
  assert.equal(stratum!["container.image.name"], "ghcr.io/acme/payments-api");
  assert.equal(stratum!["orchestrator.namespace"], "payments");
  assert.equal(stratum!["orchestrator.resource.name"], "payments-api-7d9f8b6c5-x2x4k");
  assert.equal(stratum!["@timestamp"], undefined, "a clock without a date is no timestamp");
  assert.equal(stratum!["minerhunt.falco.clock"], "03:14:07.341081180");

  assert.equal(outbound!["rule.name"], "Detect outbound connections to common miner pool ports");
  assert.equal(outbound!["process.command_line"], "kworkerds -c config.json");
  assert.equal(outbound!["destination.ip"], "141.94.96.144");
  assert.equal(outbound!["destination.port"], 3333);
  assert.equal(outbound!["user.name"], "www-data");
  assert.equal(outbound!["container.id"], undefined, "container.id=host is the host");

  assert.equal(dropped!["host.name"], "node-7", "syslog prefix names the host");
  assert.equal(dropped!["process.command_line"], "xmrig -c a=b.json", "a=b inside a command line is not a field");
  assert.equal(dropped!["process.executable"], "/tmp/.x/xmrig");
  assert.equal(dropped!["minerhunt.alert.severity"], "medium");
});

test("Falco text: a clock-only alert takes its date from a kubectl --timestamps or RFC 3339 syslog prefix", async () => {
  const lines = [
    "2026-11-20T03:14:07.400112233Z 03:14:07.341081180: Critical Possible miner running (command=xmrig -o pool.minexmr.com:4444 pid=4711)",
    "2026-11-20T03:14:08+00:00 node-7 falco[812]: 03:14:08.000000001: Notice Possible miner running (command=xmrig pid=4711)",
  ].join("\n");
  const { events, issues } = await parseWith(falcoTextSource, lines);
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e["@timestamp"], e["message"], e["host.name"]]), [
    ["2026-11-20T03:14:07.400Z", "03:14:07.341081180: Critical Possible miner running (command=xmrig -o pool.minexmr.com:4444 pid=4711)", undefined],
    ["2026-11-20T03:14:08.000Z", "03:14:08.000000001: Notice Possible miner running (command=xmrig pid=4711)", "node-7"],
  ]);
  assert.equal(events[0]!["process.command_line"], "xmrig -o pool.minexmr.com:4444");
});

test("Falco text: sniffed on its own lines, not on other text", async () => {
  assert.ok(await sniffWith(falcoTextSource, MINER_LINES.split("\n").slice(0, 3).join("\n")) >= 0.9);
  assert.equal(await sniffWith(falcoTextSource, "type=SYSCALL msg=audit(1.0:1): arch=c000003e\n"), 0);
  assert.equal(await sniffWith(falcoTextSource, "03:14:07 up 2 days\n"), 0);
});
