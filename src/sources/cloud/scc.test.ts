import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { sccSource } from "./scc.js";

const INSTANCE = "//compute.googleapis.com/projects/render-farm-prod/zones/us-central1-a/instances/5012846375910283746";

// A VM Threat Detection finding as a Pub/Sub notification carries it (camelCase proto JSON;
// sourceProperties keep the detector's own snake_case keys).
const hashMatch = {
  name: "organizations/123456789012/sources/11514893728545602364/findings/3e5f1b2c4d6a8e0f1a2b3c4d5e6f7a8b",
  parent: "organizations/123456789012/sources/11514893728545602364",
  resourceName: INSTANCE,
  state: "ACTIVE",
  category: "Execution: Cryptocurrency Mining Hash Match",
  sourceProperties: {
    vm_threat_detection_version: "1.0",
    threats: [{ memory_hash_detector: { binary: "xmrig", detections: [{ binary_name: "xmrig", percent_pages_matched: 0.92 }] } }],
  },
  securityMarks: { name: "organizations/123456789012/sources/11514893728545602364/findings/3e5f1b2c4d6a8e0f1a2b3c4d5e6f7a8b/securityMarks" },
  eventTime: "2026-11-20T03:40:12.345Z",
  createTime: "2026-11-20T03:41:02.118Z",
  severity: "HIGH",
  canonicalName: "projects/481516234200/sources/11514893728545602364/findings/3e5f1b2c4d6a8e0f1a2b3c4d5e6f7a8b",
  mute: "UNDEFINED",
  findingClass: "THREAT",
  indicator: { signatures: [{ memoryHashSignature: { binaryFamily: "XMRig", detections: [{ binary: "xmrig", percentPagesMatched: 0.92 }] } }] },
  mitreAttack: { primaryTactic: "IMPACT", primaryTechniques: ["RESOURCE_HIJACKING"] },
};
const resource = {
  name: INSTANCE,
  project: "//cloudresourcemanager.googleapis.com/projects/481516234200",
  projectDisplayName: "render-farm-prod",
  parent: "//cloudresourcemanager.googleapis.com/projects/481516234200",
  parentDisplayName: "render-farm-prod",
  type: "google.compute.Instance",
  folders: [],
  displayName: "render-worker-7",
};
const notification = { notificationConfigName: "organizations/123456789012/notificationConfigs/scc-to-soc", finding: hashMatch, resource };

const badDomain = {
  name: "organizations/123456789012/sources/5678901234567890123/findings/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
  parent: "organizations/123456789012/sources/5678901234567890123",
  resourceName: "//cloudresourcemanager.googleapis.com/projects/481516234200",
  state: "ACTIVE",
  category: "Cryptomining: Bad Domain",
  sourceProperties: { detectionCategory: { ruleName: "bad_domain", indicator: "domain", technique: "cryptomining" } },
  eventTime: "2026-11-20T03:35:00Z",
  createTime: "2026-11-20T03:36:10.5Z",
  severity: "LOW",
  findingClass: "THREAT",
  indicator: { domains: ["gulf.moneroocean.stream."], ipAddresses: ["198.51.100.77"] },
  connections: [{ destinationIp: "198.51.100.77", destinationPort: 10128, sourceIp: "10.128.0.12", sourcePort: 50812, protocol: "TCP" }],
};

test("a Pub/Sub notification of a VM Threat Detection hash match maps binary, project and instance", async () => {
  const text = JSON.stringify(notification) + "\n";
  assert.equal(await sniffWith(sccSource, text, "scc.json"), 0.95);
  const { events, issues } = await parseWith(sccSource, text, "scc.json");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "gcp.scc");
  assert.equal(e["event.kind"], "alert");
  assert.equal(e["rule.name"], "Execution: Cryptocurrency Mining Hash Match");
  assert.equal(e["process.name"], "xmrig");
  assert.equal(e["minerhunt.alert.severity"], "high");
  assert.equal(e["cloud.provider"], "gcp");
  assert.equal(e["cloud.project.id"], "render-farm-prod");
  assert.equal(e["cloud.account.id"], "render-farm-prod");
  assert.equal(e["cloud.instance.id"], "5012846375910283746");
  assert.equal(e["cloud.availability_zone"], "us-central1-a");
  assert.equal(e["cloud.region"], "us-central1");
  assert.equal(e["host.name"], "render-worker-7");
  assert.equal(e["@timestamp"], "2026-11-20T03:40:12.345Z");
  assert.equal(e["event.id"], hashMatch.name);
  assert.deepEqual(e["minerhunt.alert.signatures"], ["XMRig"]);
  assert.deepEqual(e["threat.technique.name"], ["RESOURCE_HIJACKING"]);
  assert.equal(e["minerhunt.alert.notification_config"], notification.notificationConfigName);
});

test("the same notification base64-encoded in a Pub/Sub push envelope", async () => {
  const push = {
    message: {
      attributes: { eventTime: "2026-11-20T03:41:02.118Z" },
      data: Buffer.from(JSON.stringify(notification)).toString("base64"),
      messageId: "9876543210123456", message_id: "9876543210123456",
      publishTime: "2026-11-20T03:41:03.2Z", publish_time: "2026-11-20T03:41:03.2Z",
    },
    subscription: "projects/soc-tools/subscriptions/scc-findings-push",
  };
  const text = JSON.stringify(push, null, 2);
  assert.equal(await sniffWith(sccSource, text, "push.json"), 0.9);
  const { events, issues } = await parseWith(sccSource, text, "push.json");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["process.name"], "xmrig");
  assert.equal(events[0]!["minerhunt.line"], 1);
});

test("gcloud scc findings list output: each result on its own line, indicators mapped", async () => {
  const doc = JSON.stringify([{ finding: hashMatch, resource }, { finding: badDomain, resource: { ...resource, type: "google.cloud.resourcemanager.Project", name: badDomain.resourceName, displayName: "render-farm-prod" } }], null, 2);
  assert.equal(await sniffWith(sccSource, doc, "list.json"), 0.95);
  const { events, issues } = await parseWith(sccSource, doc, "list.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  assert.equal(events[0]!["minerhunt.line"], 2);
  const d = events[1]!;
  assert.ok((d["minerhunt.line"] as number) > 40);
  assert.equal(d["rule.name"], "Cryptomining: Bad Domain");
  assert.deepEqual(d["dns.question.name"], ["gulf.moneroocean.stream"]);
  assert.deepEqual(d["destination.ip"], ["198.51.100.77"]);
  assert.equal(d["destination.port"], 10128);
  assert.equal(d["source.ip"], "10.128.0.12");
  assert.equal(d["minerhunt.alert.severity"], "low");
  assert.equal(d["cloud.project.id"], "render-farm-prod", "the display name replaces the project number");
  assert.equal(d["host.name"], undefined, "a project is not a host");
});

test("a bare finding, and a BigQuery export row in snake_case", async () => {
  const snake = {
    name: badDomain.name, parent: badDomain.parent, resource_name: INSTANCE, state: "ACTIVE", category: "Execution: Cryptocurrency Mining YARA Rule",
    source_properties: {}, event_time: "2026-11-20T03:50:00Z", create_time: "2026-11-20T03:51:00Z", severity: "HIGH", finding_class: "THREAT",
    process: [{ name: "kswapd0", binary: { path: "/tmp/.ICE-unix/kswapd0", sha256: "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0" }, args: ["/tmp/.ICE-unix/kswapd0", "-c", "config.json"], pid: "2231", parent_pid: "1" }],
  };
  const text = JSON.stringify(hashMatch) + "\n" + JSON.stringify(snake) + "\n";
  const { events, issues } = await parseWith(sccSource, text, "findings.ndjson");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["cloud.project.id"], "render-farm-prod");
  assert.equal(events[1]!["rule.name"], "Execution: Cryptocurrency Mining YARA Rule");
  assert.equal(events[1]!["process.name"], "kswapd0");
  assert.equal(events[1]!["process.executable"], "/tmp/.ICE-unix/kswapd0");
  assert.equal(events[1]!["process.command_line"], "/tmp/.ICE-unix/kswapd0 -c config.json");
  assert.equal(events[1]!["process.pid"], 2231);
  assert.equal(events[1]!["cloud.instance.id"], "5012846375910283746");
});

test("a record without a category is an issue; others continue", async () => {
  const text = JSON.stringify({ notificationConfigName: "x", finding: { name: "n" } }) + "\n" + JSON.stringify(notification) + "\n";
  const { events, issues } = await parseWith(sccSource, text, "scc.json");
  assert.equal(events.length, 1);
  assert.equal(issues[0]!.line, 1);
  assert.match(issues[0]!.message, /"category" is missing/);
});

test("sniffing: Cloud Logging entries, other findings and unknown JSON are not SCC's", async (t) => {
  const logging = sharedFixture(t, "cloud-findings/gcp-logging-custom-cryptomining-detector.json");
  if (logging) assert.equal(await sniffWith(sccSource, readFileSync(logging)), 0);
  assert.equal(await sniffWith(sccSource, '{"category": "x", "name": "y"}'), 0);
  assert.equal(await sniffWith(sccSource, '{"message": {"data": "aGVsbG8="}, "subscription": "projects/p/subscriptions/s"}'), 0, "a push envelope of something else");
});
