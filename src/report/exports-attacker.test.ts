/**
 * Exports only accuse the attacker (issue 8, item 8), on the bundled example scanned end to end: the
 * indicators are pools, attacker addresses, wallets, hashes and download URLs; the database's own
 * process names, evidence paths and an administrator's kubectl are context. The STIX bundles are
 * checked against the STIX 2.1 rules (test-helpers/stix-validate.ts), and every ATT&CK technique
 * minerhunt can emit has its name and tactics in data/mitre/attack.yaml.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Finding, Incident } from "../model/index.js";
import { loadPlaybook } from "../playbook/index.js";
import { runScan } from "../pipeline/run.js";
import { REPO_ROOT } from "../test-helpers/index.js";
import { collectIocs } from "./iocs.js";
import { loadAttackTable } from "./mitre.js";
import { toOcsfIncidentFinding } from "./ocsf.js";
import { toStixBundle } from "./stix.js";
import { patternProblem, validateStixBundle } from "./test-helpers/stix-validate.js";
import { toTheHiveAlert } from "./thehive.js";

const playbook = loadPlaybook("PB-31");
const now = new Date("2026-11-21T08:00:00Z");

let scanned: Promise<{ incidents: Incident[]; findings: Finding[] }> | undefined;
function example() {
  scanned ??= runScan({ paths: [join(REPO_ROOT, "examples")] }).then((r) => ({ incidents: r.incidents, findings: r.findings }));
  return scanned;
}
const findingsOf = (inc: Incident, all: readonly Finding[]) => all.filter((f) => inc.findingIds.includes(f.id));

/** What the victim's side looks like in the example: these must never be indicators. */
const CONTEXT = ["postgres", "kswapd0", "config.json", "kubectl", "/tmp/.X11-unix", "/etc/cron.d/pg-backup"];

test("STIX from the example: valid bundles whose indicators name no system process, local path or admin tool", async () => {
  const { incidents, findings } = await example();
  assert.ok(incidents.length >= 3);
  const processNames = new Set(findings.flatMap((f) => f.observables.filter((o) => o.type === "process").map((o) => o.value)));
  assert.ok(processNames.has("postgres") || processNames.has("kswapd0"), `the example's findings name system processes: ${[...processNames].join(", ")}`);
  let indicators = 0;
  for (const inc of incidents) {
    const bundle = toStixBundle(inc, findingsOf(inc, findings), { now, playbook });
    assert.deepEqual(validateStixBundle(bundle), [], inc.title);
    for (const o of bundle.objects.filter((x) => x.type === "indicator")) {
      indicators++;
      const pattern = String(o.pattern);
      assert.doesNotMatch(pattern, /^\[(process|file:name|user-account|network-traffic:extensions)/, pattern);
      for (const word of [...CONTEXT, ...processNames]) assert.ok(!pattern.includes(`'${word}'`) && !pattern.includes(`/${word}'`), `${word} in ${pattern}`);
      const url = /^\[url:value = '([^']*)'\]$/.exec(pattern);
      if (url) assert.match(url[1]!, /^[a-z][a-z0-9+.-]*:\/\//, "URLs have a scheme");
      assert.ok(!String(o.name).startsWith("port:"), "a port alone accuses nobody");
      assert.ok(!String(o.description ?? "").includes("db-prod-01"), "the victim's host names stay out of a shared bundle");
    }
  }
  assert.ok(indicators >= 10, `indicators: ${indicators}`);
  const all = toStixBundle(incidents[0]!, findings, { now, playbook }).objects.map((o) => String(o.pattern ?? ""));
  assert.ok(all.some((p) => p.includes("stratum+tcp://")), "a pool URL is written with its scheme");
});

test("TheHive and the report's IOC list: the same line between indicators and context", async () => {
  const { incidents, findings } = await example();
  for (const inc of incidents) {
    const fs = findingsOf(inc, findings);
    const alert = toTheHiveAlert(inc, fs, { lang: "en", playbook, now });
    for (const o of alert.observables.filter((x) => x.ioc)) {
      assert.ok(!["filename", "user-agent"].includes(o.dataType), `${o.dataType} ${o.data} is context`);
      assert.ok(!CONTEXT.includes(o.data), o.data);
    }
    const { iocs } = collectIocs(fs);
    for (const i of iocs.filter((x) => x.role === "indicator")) {
      assert.ok(["pool", "domain", "ip", "url", "wallet", "hash", "access-key"].includes(i.type), `${i.type} ${i.value}`);
      assert.doesNotMatch(i.value, /^(10\.|192\.168\.|127\.)/, "private addresses are the organisation's own");
    }
  }
});

test("the STIX checker fails what is wrong (so its silence means something)", () => {
  assert.equal(patternProblem("[domain-name:value = 'pool.example']"), undefined);
  assert.equal(patternProblem("[file:hashes.'SHA-256' = 'ab' AND network-traffic:dst_port = 3333]"), undefined);
  assert.match(patternProblem("[url:value = 'a'b']") ?? "", /expected|trailing/);
  assert.match(patternProblem("[url:value = 'a\\x']") ?? "", /bad escape/);
  assert.match(patternProblem("url:value = 'a'") ?? "", /start with/);
  assert.match(patternProblem("[url:value = 'a'") ?? "", /expected '\]'/);
  const good = toStixBundle({ ...baseIncident() }, [], { now, playbook });
  assert.deepEqual(validateStixBundle(good), []);
  const broken = { ...good, objects: good.objects.map((o) => (o.type === "report" ? { ...o, id: "report--not-a-uuid", created: "2026-11-21 08:00" } : o)) };
  const problems = validateStixBundle(broken);
  assert.ok(problems.some((p) => p.includes("id must be")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("created must be")), problems.join("\n"));
});

test("ATT&CK table (data/mitre/attack.yaml) covers every technique in rules/, playbooks/ and src/", () => {
  const table = loadAttackTable();
  const ids = new Set<string>();
  const scan = (dir: string, keep: (f: string) => boolean, re: RegExp) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) { if (name !== "node_modules" && name !== "test-helpers") scan(p, keep, re); continue; }
      if (!keep(p)) continue;
      for (const m of readFileSync(p, "utf8").matchAll(re)) ids.add(m[1]!.toUpperCase());
    }
  };
  scan(join(REPO_ROOT, "rules"), (f) => f.endsWith(".yml") || f.endsWith(".yaml"), /attack\.(t\d{4}(?:\.\d{3})?)\b/gi);
  scan(join(REPO_ROOT, "playbooks"), (f) => f.endsWith(".yaml"), /\b(T\d{4}(?:\.\d{3})?)\b/g);
  scan(join(REPO_ROOT, "src"), (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"), /["'](T\d{4}(?:\.\d{3})?)["']/g);
  assert.ok(ids.has("T1496") && ids.size > 20, `found ${ids.size}`);
  const parents = [...table.keys()].filter((id) => id.includes(".")).map((id) => id.split(".")[0]!);
  const missing = [...new Set([...ids, ...parents])].filter((id) => !table.has(id));
  assert.deepEqual(missing, [], `add these to data/mitre/attack.yaml: ${missing.join(", ")}`);
  assert.deepEqual(table.get("T1053.003")?.tactics.map((x) => x.id), ["TA0002", "TA0003", "TA0004"]);
});

test("OCSF attacks take name and tactics from the table: not TA0040 for everything, not the id as name", async () => {
  const { incidents, findings } = await example();
  const inc = incidents.find((i) => i.entities.hosts?.includes("db-prod-01"))!;
  const o = toOcsfIncidentFinding(inc, findingsOf(inc, findings), { now, playbook });
  const attacks = o.attacks as { technique: { uid: string; name?: string }; sub_technique?: { uid: string; name?: string }; tactic?: { uid: string; name: string } }[];
  for (const a of attacks) {
    assert.ok(a.technique.name && a.technique.name !== a.technique.uid, JSON.stringify(a));
    if (a.sub_technique) assert.ok(a.sub_technique.name && a.sub_technique.name !== a.sub_technique.uid);
    assert.ok(a.tactic, `tactic for ${a.technique.uid}`);
  }
  const tactics = new Set(attacks.map((a) => a.tactic?.uid));
  assert.ok(tactics.has("TA0040") && tactics.has("TA0003"), [...tactics].join(", "));
  const cron = attacks.filter((a) => a.sub_technique?.uid === "T1053.003").map((a) => a.tactic?.uid).sort();
  assert.deepEqual(cron, ["TA0002", "TA0003", "TA0004"]);
});

function baseIncident(): Incident {
  return {
    id: "inc-1", title: "t", status: "open", severity: "high", confidence: 0.9, firstSeen: "2026-11-20T00:00:00Z", lastSeen: "2026-11-20T01:00:00Z",
    findingIds: [], entities: {}, scope: { hosts: 0, instances: 0, regions: 0, accounts: 0, clusters: 0 }, environment: "on-premise",
    triggers: [], hostType: "unknown", priority: "P2", escalations: [], checklist: [],
  };
}
