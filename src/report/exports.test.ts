import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlaybook } from "../playbook/index.js";
import { collectIocs, splitPool } from "./iocs.js";
import { toOcsfIncidentFinding } from "./ocsf.js";
import { exportIncident } from "./render.js";
import { TLP_AMBER, stixPattern, toStixBundle } from "./stix.js";
import type { StixObject } from "./stix.js";
import { toTheHiveAlert } from "./thehive.js";
import { WALLET, XMRIG_SHA256, hostileFinding, incidentFrom, realisticFindings } from "./test-helpers/incident.js";

const playbook = loadPlaybook("PB-31");
const now = new Date("2026-11-21T08:00:00Z");
const findings = realisticFindings();
const incident = incidentFrom(findings);

const STIX_ID = /^[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("IOCs: pools, domains, IPs, wallets and hashes, deduplicated with their findings", () => {
  const { iocs, omitted } = collectIocs([...findings, ...findings]);
  assert.equal(omitted, 0);
  const has = (type: string, value: string) => iocs.find((i) => i.type === type && i.value === value);
  assert.ok(has("pool", "203.0.113.77:3333"));
  assert.ok(has("domain", "pool.supportxmr.com"));
  assert.ok(has("ip", "203.0.113.77"));
  assert.ok(has("wallet", WALLET));
  assert.ok(has("hash", XMRIG_SHA256));
  assert.equal(iocs.filter((i) => i.type === "domain" && i.value === "pool.supportxmr.com").length, 1);
  assert.deepEqual(splitPool("203.0.113.77:3333"), { host: "203.0.113.77", port: 3333, isIp: true });
  assert.deepEqual(splitPool("[2001:db8::7]:14444"), { host: "2001:db8::7", port: 14444, isIp: true });
  assert.deepEqual(splitPool("2001:db8::7"), { host: "2001:db8::7", isIp: true });
  assert.deepEqual(splitPool("pool.supportxmr.com"), { host: "pool.supportxmr.com", isIp: false });
  assert.deepEqual(splitPool("pool.example:99999"), { host: "pool.example", isIp: false });
});

test("STIX 2.1: a bundle of identity, attack-patterns, indicators, relationships and a report, all valid ids", () => {
  const bundle = toStixBundle(incident, findings, { now, playbook });
  assert.equal(bundle.type, "bundle");
  assert.match(bundle.id, STIX_ID);
  const byId = new Map<string, StixObject>(bundle.objects.map((o) => [o.id, o]));
  assert.equal(byId.size, bundle.objects.length, "ids are unique");
  for (const o of bundle.objects) {
    assert.match(o.id, STIX_ID, o.id);
    assert.ok(o.id.startsWith(`${o.type}--`), `id prefix matches type for ${o.id}`);
    assert.equal(o.spec_version, "2.1");
    assert.equal(o.created, "2026-11-21T08:00:00.000Z");
    assert.equal(o.modified, "2026-11-21T08:00:00.000Z");
    if (o.type !== "identity") assert.deepEqual(o.object_marking_refs, [TLP_AMBER]);
  }
  const of = (type: string) => bundle.objects.filter((o) => o.type === type);
  assert.equal(of("identity").length, 1);
  assert.equal(of("report").length, 1);
  const t1496 = of("attack-pattern").find((a) => JSON.stringify(a.external_references).includes("\"T1496\""));
  assert.ok(t1496, "T1496 attack-pattern");
  const indicators = of("indicator");
  for (const i of indicators) {
    assert.equal(i.pattern_type, "stix");
    assert.equal(typeof i.valid_from, "string");
    assert.match(String(i.pattern), /^\[.*\]$/);
    assert.deepEqual(i.indicator_types, ["malicious-activity"]);
  }
  const patterns = indicators.map((i) => i.pattern);
  assert.ok(patterns.includes("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.77' AND network-traffic:dst_port = 3333]"));
  assert.ok(patterns.includes("[domain-name:value = 'pool.supportxmr.com']"));
  assert.ok(patterns.includes(`[file:hashes.'SHA-256' = '${XMRIG_SHA256}']`));
  assert.ok(patterns.includes(`[x-cryptocurrency-wallet:address = '${WALLET}']`));
  assert.ok(patterns.includes("[ipv4-addr:value = '203.0.113.50']"));
  assert.ok(!patterns.some((p) => String(p).includes("instance-type")), "context (instance types, users, keys) is not an indicator");
  for (const r of of("relationship")) {
    assert.equal(r.relationship_type, "indicates");
    assert.ok(byId.get(String(r.source_ref))?.type === "indicator");
    assert.equal(r.target_ref, t1496.id);
  }
  assert.equal(of("relationship").length, indicators.length);
  const report = of("report")[0]!;
  for (const ref of report.object_refs as string[]) assert.ok(byId.has(ref), `report refers to ${ref}`);
  assert.equal((report.object_refs as string[]).length, bundle.objects.length - 1);
  assert.equal(report.published, "2026-11-21T08:00:00.000Z");
});

test("STIX: ids are stable across exports; hostile values are quoted safely in patterns", () => {
  const a = toStixBundle(incident, findings, { now, playbook });
  const b = toStixBundle(incident, findings, { now: new Date("2026-12-01T00:00:00Z"), playbook });
  assert.deepEqual(a.objects.map((o) => o.id), b.objects.map((o) => o.id));
  const bad = hostileFinding();
  const pattern = stixPattern({ type: "domain", value: "evil'pool\".example", findings: [bad.id], role: "indicator" });
  assert.equal(pattern, "[domain-name:value = 'evil\\'pool\".example']");
  assert.equal(stixPattern({ type: "url", value: "http://x.example/a\\b'c", findings: [], role: "indicator" }), "[url:value = 'http://x.example/a\\\\b\\'c']");
  assert.equal(stixPattern({ type: "url", value: "pool.example.com:3333", findings: [], role: "indicator" }), "[url:value = 'stratum+tcp://pool.example.com:3333']");
  assert.equal(stixPattern({ type: "url", value: "/job", findings: [], role: "indicator" }), undefined, "a path alone is no URL");
  // Context is never an indicator, whatever its type: the victim's files, command lines, process names.
  assert.equal(stixPattern({ type: "file", value: "C:\\Users\\x\\xmrig.exe", findings: [], role: "context" }), undefined);
  assert.equal(stixPattern({ type: "command-line", value: "a\\b'c", findings: [], role: "context" }), undefined);
  assert.equal(stixPattern({ type: "process", value: "postgres", findings: [], role: "context" }), undefined);
  assert.equal(stixPattern({ type: "ip", value: "not-an-ip", findings: [], role: "indicator" }), undefined);
  assert.equal(stixPattern({ type: "hash", value: "xyz", findings: [], role: "indicator" }), undefined);
});

test("OCSF Incident Finding (2005): required attributes, enums, findings, attacks, observables", () => {
  const o = toOcsfIncidentFinding(incident, findings, { now, playbook });
  assert.equal(o.class_uid, 2005);
  assert.equal(o.class_name, "Incident Finding");
  assert.equal(o.category_uid, 2);
  assert.equal(o.activity_id, 1);
  assert.equal(o.type_uid, 200501);
  assert.equal(o.time, now.getTime());
  assert.equal(o.start_time, Date.parse(incident.firstSeen));
  assert.equal(o.status_id, 1);
  assert.equal(o.status, "New");
  assert.deepEqual([o.severity_id, o.severity], [4, "High"]);
  assert.deepEqual([o.priority_id, o.priority], [4, "Critical"], "P1");
  assert.deepEqual([o.impact_id, o.impact], [3, "High"], "cloud instance: High (cost)");
  assert.deepEqual(o.assignee_group, { name: "SOC" }, "OCSF needs an assignee or a group");
  assert.equal(o.assignee, undefined);
  const list = o.finding_info_list as { uid: string; analytic: { type_id: number }; attacks: unknown[] }[];
  assert.deepEqual(list.map((f) => f.uid), findings.map((f) => f.id));
  assert.ok(list.every((f) => typeof f.analytic.type_id === "number"));
  const attacks = o.attacks as { technique: { uid: string }; sub_technique?: { uid: string }; tactic?: { uid: string } }[];
  assert.deepEqual(attacks.find((a) => a.technique.uid === "T1496" && !a.sub_technique)?.tactic, { uid: "TA0040", name: "Impact" });
  assert.ok(attacks.some((a) => a.sub_technique?.uid === "T1053.003" && a.technique.uid === "T1053"));
  const metadata = o.metadata as { version: string; product: { name: string } };
  assert.equal(metadata.version, "1.3.0");
  assert.equal(metadata.product.name, "minerhunt");
  const observables = o.observables as { type_id: number; value: string }[];
  assert.ok(observables.some((x) => x.type_id === 2 && x.value === "203.0.113.77"));
  assert.ok(observables.some((x) => x.type_id === 11 && x.value === "3333"));
  assert.ok(observables.some((x) => x.type_id === 8 && x.value === XMRIG_SHA256));
  assert.equal(observables.filter((x) => x.value === "203.0.113.77").length, 1, "pool IP and the same IP seen alone are one observable");
  const unmapped = (o.unmapped as { minerhunt: { decision_path: string[]; escalations: { playbook?: string }[] } }).minerhunt;
  assert.deepEqual(unmapped.decision_path, ["Alert", "Env", "Cloud", "Scope", "Multi", "IAM"]);
  assert.ok(unmapped.escalations.some((e) => e.playbook === "PB-16"));
  const assigned = toOcsfIncidentFinding({ ...incident, assignee: "somchai", status: "closed" }, findings, { now });
  assert.deepEqual(assigned.assignee, { name: "somchai" });
  assert.deepEqual([assigned.activity_id, assigned.type_uid, assigned.status_id], [3, 200503, 5]);
});

test("TheHive alert: key fields, severity 1-4, TLP/PAP, observables by data type, procedures", () => {
  const alert = toTheHiveAlert(incident, findings, { lang: "en", playbook, now });
  assert.equal(alert.type, "cryptomining");
  assert.equal(alert.source, "minerhunt");
  assert.equal(alert.sourceRef, incident.id);
  assert.equal(alert.title, incident.title);
  assert.equal(alert.severity, 3);
  assert.equal(alert.tlp, 2);
  assert.equal(alert.pap, 2);
  assert.ok(alert.tags.includes("PB-31") && alert.tags.includes("T1496") && alert.tags.includes("escalation:stolen-credentials"));
  const allowed = new Set(["ip", "domain", "hash", "url", "filename", "hostname", "user-agent", "other"]);
  for (const o of alert.observables) assert.ok(allowed.has(o.dataType), o.dataType);
  const find = (dataType: string, data: string) => alert.observables.find((o) => o.dataType === dataType && o.data === data);
  assert.ok(find("ip", "203.0.113.77")?.tags.includes("port:3333"), "pool ip:port becomes an ip with its port tag");
  assert.equal(find("ip", "203.0.113.77")?.ioc, true);
  assert.ok(find("domain", "pool.supportxmr.com")?.tags.includes("mining-pool"));
  assert.equal(find("hash", XMRIG_SHA256)?.ioc, true);
  assert.ok(find("other", WALLET)?.tags.includes("wallet"));
  assert.equal(find("other", "p3.16xlarge")?.ioc, false, "context, not an IOC");
  assert.equal(find("hostname", "build-01.corp.example.com")?.ioc, false);
  assert.equal(new Set(alert.observables.map((o) => `${o.dataType}\0${o.data}`)).size, alert.observables.length, "no duplicates");
  assert.match(alert.description, /^# Incident report: /);
  assert.match(alert.description, /## Decision path/);
  assert.doesNotMatch(alert.description, /```mermaid/);
  const t1496 = alert.procedures.find((p) => p.patternId === "T1496");
  assert.equal(t1496?.tactic, "impact");
  assert.equal(typeof t1496?.occurDate, "number");
  const th = toTheHiveAlert(incident, findings, { lang: "th", playbook, now });
  assert.match(th.description, /^# รายงานเหตุการณ์: /);
});

test("exportIncident gives parseable JSON for each format", () => {
  for (const format of ["ocsf", "stix", "thehive"] as const) {
    const text = exportIncident(format, incident, findings, { lang: "en", playbook, now });
    assert.ok(text.endsWith("\n"));
    const parsed = JSON.parse(text) as Record<string, unknown>;
    assert.ok(parsed && typeof parsed === "object", format);
  }
});
