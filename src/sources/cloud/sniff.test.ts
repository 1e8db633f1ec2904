// Each cloud and container format is claimed by its own source and by none of the others; JSON of
// other shapes (other helpers' formats, configs, unknown documents) is claimed by none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sharedFixture, sniffWith } from "../../test-helpers/index.js";
import type { Source } from "../types.js";
import { containerSources } from "../container/index.js";
import { cloudSources } from "./index.js";

const ALL: Source[] = [...cloudSources, ...containerSources];

async function scores(data: string | Buffer, path = "input.json"): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of ALL) out[s.id] = await sniffWith(s, data, path);
  return out;
}

async function assertOnly(data: string | Buffer, owner: string, label: string) {
  const got = await scores(data);
  assert.ok(got[owner]! >= 0.9, `${label}: ${owner} scored ${got[owner]}`);
  for (const [id, score] of Object.entries(got)) if (id !== owner) assert.equal(score, 0, `${label}: ${id} also claimed it (${score})`);
}

const samples: [string, string, string][] = [
  ["cloudtrail records", "aws.cloudtrail", JSON.stringify({ Records: [{ eventVersion: "1.08", userIdentity: { type: "IAMUser", userName: "a" }, eventTime: "2026-11-20T03:14:07Z", eventSource: "ec2.amazonaws.com", eventName: "RunInstances", awsRegion: "us-east-1", sourceIPAddress: "203.0.113.7", requestParameters: { instanceType: "p3.16xlarge" }, responseElements: null, eventID: "e1", recipientAccountId: "111122223333" }] })],
  ["cloudtrail eventbridge", "aws.cloudtrail", JSON.stringify({ version: "0", id: "x", "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2", account: "111122223333", time: "2026-11-20T03:14:07Z", region: "us-east-1", resources: [], detail: { eventVersion: "1.08", eventTime: "2026-11-20T03:14:07Z", eventSource: "ec2.amazonaws.com", eventName: "RunInstances", awsRegion: "us-east-1" } }) + "\n"],
  ["guardduty eventbridge", "aws.guardduty", JSON.stringify({ version: "0", id: "x", "detail-type": "GuardDuty Finding", source: "aws.guardduty", account: "1", time: "2026-11-20T03:36:16Z", region: "us-east-1", resources: [], detail: { schemaVersion: "2.0", accountId: "1", region: "us-east-1", id: "f", type: "CryptoCurrency:EC2/BitcoinTool.B", resource: { resourceType: "Instance" }, service: { serviceName: "guardduty", detectorId: "d" }, severity: 8 } }) + "\n"],
  ["defender sentinel row", "azure.defender", JSON.stringify({ TimeGenerated: "2026-11-20T04:02:11Z", AlertName: "Digital currency mining related behavior detected", AlertSeverity: "High", AlertType: "VM_DigitalCurrencyMining", SystemAlertId: "x", CompromisedEntity: "web-01", Type: "SecurityAlert" }) + "\n"],
  ["scc notification", "gcp.scc", JSON.stringify({ notificationConfigName: "organizations/1/notificationConfigs/n", finding: { name: "organizations/1/sources/2/findings/3", parent: "organizations/1/sources/2", resourceName: "//compute.googleapis.com/projects/p/zones/us-central1-a/instances/1", state: "ACTIVE", category: "Execution: Cryptocurrency Mining Hash Match", findingClass: "THREAT", severity: "HIGH" }, resource: {} }) + "\n"],
  ["cloud logging entry", "gcp.logging", JSON.stringify({ insertId: "a", logName: "projects/p/logs/x", resource: { type: "gce_instance", labels: {} }, textPayload: "x", timestamp: "2026-11-20T00:00:00Z" }) + "\n"],
  ["falco alert", "falco.alerts", JSON.stringify({ hostname: "h", output: "x", priority: "Critical", rule: "Detect crypto miners using the Stratum protocol", source: "syscall", tags: [], time: "2026-11-20T03:44:12.123456789Z", output_fields: {} }) + "\n"],
  ["k8s audit event", "kubernetes.audit", JSON.stringify({ kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", auditID: "a", stage: "ResponseComplete", requestURI: "/api/v1/pods", verb: "list", user: { username: "u" }, sourceIPs: ["10.0.0.1"] }) + "\n"],
];

for (const [label, owner, data] of samples) {
  test(`sniff: ${label} is ${owner}'s alone`, async () => assertOnly(data, owner, label));
}

test("sniff: the three real cloud findings each go to one source", async (t) => {
  const cases: [string, string][] = [
    ["cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json", "aws.guardduty"],
    ["cloud-findings/defender-for-cloud-SIMULATED_VM_DigitalCurrencyMining-sentinel-SecurityAlert.json", "azure.defender"],
    ["cloud-findings/gcp-logging-custom-cryptomining-detector.json", "gcp.logging"],
  ];
  for (const [rel, owner] of cases) {
    const path = sharedFixture(t, rel);
    if (!path) return;
    await assertOnly(readFileSync(path), owner, rel);
  }
});

test("sniff: JSON of other shapes scores 0 with every cloud and container source", async (t) => {
  const others = [
    '{"foo": 1, "bar": [1, 2, 3]}',
    "[]",
    "[{\"name\": \"x\", \"value\": 1}]",
    '{"ts":1700000000.123,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":53211,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","query":"xmr.pool.minergate.com","qtype_name":"A"}\n',
    '{"timestamp":"2026-11-20T03:44:12.000000+0000","flow_id":1,"event_type":"alert","src_ip":"10.0.0.5","dest_ip":"198.51.100.7","dest_port":3333,"proto":"TCP","alert":{"signature":"ET COINMINER","category":"Crypto Currency Mining Activity Detected","severity":1}}\n',
    '{"@timestamp":"2026-11-20T03:44:12Z","event":{"dataset":"endpoint.events.process","category":["process"]},"process":{"name":"xmrig","command_line":"xmrig -o x"}}\n',
    '{"status":"success","data":{"resultType":"matrix","result":[]}}',
    '{"ResultsByTime":[{"TimePeriod":{"Start":"2026-11-01","End":"2026-11-02"},"Total":{"UnblendedCost":{"Amount":"1","Unit":"USD"}}}]}',
    '{"kind":"Event","apiVersion":"v1","involvedObject":{"kind":"Pod"},"reason":"Pulled","message":"Successfully pulled image"}\n',
  ];
  for (const o of others) {
    const got = await scores(o);
    for (const [id, score] of Object.entries(got)) assert.equal(score, 0, `${id} claimed ${o.slice(0, 60)}`);
  }
  const xmrig = sharedFixture(t, "miner-configs/xmrig-default-src-config.json");
  if (xmrig) for (const [id, score] of Object.entries(await scores(readFileSync(xmrig)))) assert.equal(score, 0, `${id} claimed the XMRig config`);
  for (const [id, score] of Object.entries(await scores("USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.1 1 1 ? Ss 10:00 0:01 /sbin/init\n", "ps.txt"))) assert.equal(score, 0, `${id} claimed ps output`);
});
