import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { cloudAlert } from "./cloud-alert.js";

/**
 * Events as the provider-alert sources emit them (docs/events.md "Provider alerts"). The GuardDuty and
 * Defender ones carry the values of the real provider samples in shared/fixtures/cloud-findings.
 */
function guardDutySample(over: Event = {}): Event {
  return {
    "@timestamp": "2025-06-29T01:24:57.000Z",
    "event.end": "2025-06-29T01:37:28.000Z",
    "event.dataset": "aws.guardduty",
    "event.kind": "alert",
    "event.category": ["threat"],
    "event.id": "0279a15a8db04b5db96f966fe2499882",
    "event.severity": 8,
    "minerhunt.alert.severity": "high",
    "minerhunt.sample": true,
    "rule.name": "CryptoCurrency:Runtime/BitcoinTool.B",
    "message": "The EC2 instance i-99999999 is communicating with a known Bitcoin-related IP address.",
    "cloud.provider": "aws",
    "cloud.account.id": "340485104650",
    "cloud.region": "us-east-1",
    "cloud.instance.id": "i-99999999",
    "cloud.machine.type": "m3.xlarge",
    "cloud.image.id": "ami-99999999",
    "host.ip": ["10.0.0.1"],
    "destination.ip": "198.51.100.0",
    "destination.port": 25,
    "process.name": "GeneratedFindingProcessName",
    "process.executable": "GeneratedFindingPath",
    "process.hash.sha256": "GeneratedFindingHash",
    "process.pid": 1234,
    "container.id": "GeneratedFindingContainerId",
    "container.name": "GeneratedFindingContainerName",
    "container.image.name": "GeneratedFindingContainerImage",
    "log.file.path": "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json",
    "minerhunt.line": 2,
    "minerhunt.format": "aws.guardduty",
    ...over,
  };
}

function defenderSample(over: Event = {}): Event {
  return {
    "@timestamp": "2023-03-22T07:27:09.489Z",
    "event.dataset": "azure.defender",
    "event.kind": "alert",
    "event.category": ["threat"],
    "event.id": "2517228307705103557_15add4de-0b29-4827-a0e1-b5ff4d8d4802",
    "minerhunt.alert.severity": "high",
    "minerhunt.sample": true,
    "minerhunt.alert.original_type": "SIMULATED_VM_DigitalCurrencyMining",
    "rule.name": "VM_DigitalCurrencyMining",
    "message": "[SAMPLE ALERT] Digital currency mining related behavior detected",
    "cloud.provider": "azure",
    "cloud.account.id": "083de1fb-cd2d-4b7c-895a-2b5af1d091e8",
    "host.name": "Sample-VM",
    "user.name": "Sample-account",
    "process.name": "sample.exe",
    "process.command_line": ".\\sample.exe -t 4",
    "log.file.path": "cloud-findings/defender-for-cloud-SIMULATED_VM_DigitalCurrencyMining-sentinel-SecurityAlert.json",
    "minerhunt.line": 1,
    "minerhunt.format": "azure.defender",
    ...over,
  };
}

test("routes the three provider alert datasets", () => {
  assert.deepEqual([...cloudAlert.routes.datasets!].sort(), ["aws.guardduty", "azure.defender", "gcp.scc"]);
  assert.equal(cloudAlert.routes.categories, undefined);
});

test("GuardDuty sample: a mining finding marked as sample, never hidden", () => {
  const [f, ...rest] = runDetector(cloudAlert, [guardDutySample()]);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.sample, true);
  assert.match(f.title, /^GuardDuty CryptoCurrency:Runtime\/BitcoinTool\.B: .* on i-99999999 \(sample\)$/);
  assert.equal(f.trigger, "cloud-alert");
  assert.equal(f.severity, "high");
  assert.equal(f.confidence, 0.85);
  assert.equal(f.firstSeen, "2025-06-29T01:24:57.000Z");
  assert.equal(f.lastSeen, "2025-06-29T01:37:28.000Z");
  assert.deepEqual(f.entities.instances, ["i-99999999"]);
  assert.deepEqual(f.entities.accounts, ["340485104650"]);
  assert.deepEqual(f.entities.regions, ["us-east-1"]);
  assert.deepEqual(f.entities.containers, ["GeneratedFindingContainerId"]);
  assert.deepEqual(f.entities.images, ["GeneratedFindingContainerImage"]);
  assert.deepEqual(f.entities.pools, ["198.51.100.0:25"]);
  const types = (t: string) => f.observables.filter((o) => o.type === t).map((o) => o.value);
  assert.deepEqual(types("finding-type"), ["CryptoCurrency:Runtime/BitcoinTool.B"]);
  assert.deepEqual(types("ip"), ["198.51.100.0"]);
  assert.deepEqual(types("process"), ["GeneratedFindingProcessName"]);
  assert.deepEqual(types("hash"), ["GeneratedFindingHash"]);
  assert.deepEqual(types("instance-type"), ["m3.xlarge"]);
  assert.equal(f.evidence[0]!.file, "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json");
  assert.equal(f.evidence[0]!.line, 2);
  assert.match(f.evidence[0]!.summary!, /^CryptoCurrency:Runtime\/BitcoinTool\.B: The EC2 instance/);
  assert.ok(f.tags?.includes("sample"));
});

test("a real (non-sample) GuardDuty DNS finding: pool domain as entity, no sample flag", () => {
  const [f] = runDetector(cloudAlert, [guardDutySample({
    "minerhunt.sample": false, "rule.name": "CryptoCurrency:EC2/BitcoinTool.B!DNS", "event.id": "a6c4e0f2b1d34e5f8a9b0c1d2e3f4a5b",
    "destination.ip": undefined, "destination.port": undefined, "dns.question.name": "xmr-eu1.nanopool.org",
    "message": "EC2 instance i-0a1b2c3d4e5f60718 is querying a domain name that is associated with Bitcoin-related activity.",
    "cloud.instance.id": "i-0a1b2c3d4e5f60718", "minerhunt.alert.severity": undefined,
  })]);
  assert.ok(f);
  assert.equal(f.sample, undefined);
  assert.doesNotMatch(f.title, /sample/);
  assert.deepEqual(f.entities.pools, ["xmr-eu1.nanopool.org"]);
  assert.equal(f.severity, "high", "falls back to the intel severity when the source gives none");
});

test("Defender SIMULATED_ alert: type looked up without the prefix, marked sample", () => {
  const viaSource = runDetector(cloudAlert, [defenderSample()]);
  assert.equal(viaSource.length, 1);
  assert.equal(viaSource[0]!.sample, true);
  assert.deepEqual(viaSource[0]!.entities.hosts, ["sample-vm"]);
  assert.match(viaSource[0]!.title, /VM_DigitalCurrencyMining.*on Sample-VM \(sample\)/);
  // A source that left the prefix on still gets a sample finding.
  const raw = runDetector(cloudAlert, [defenderSample({ "rule.name": "SIMULATED_VM_DigitalCurrencyMining", "minerhunt.sample": undefined })]);
  assert.equal(raw.length, 1);
  assert.equal(raw[0]!.sample, true);
  assert.equal(raw[0]!.facts?.["alert.type"], "VM_DigitalCurrencyMining");
});

test("SCC mining category", () => {
  const [f] = runDetector(cloudAlert, [{
    "@timestamp": "2026-11-20T03:14:07Z", "event.dataset": "gcp.scc", "event.kind": "alert",
    "rule.name": "Execution: Cryptocurrency Mining Hash Match", "minerhunt.alert.severity": "high",
    "event.id": "organizations/123/sources/456/findings/f1a2b3", "cloud.provider": "gcp", "cloud.project.id": "prod-analytics-4411",
    "cloud.instance.id": "715447017152936528", "process.name": "xmrig", "log.file.path": "scc.json", "minerhunt.line": 1,
  }]);
  assert.ok(f);
  assert.equal(f.confidence, 0.85);
  assert.deepEqual(f.entities.accounts, ["prod-analytics-4411"]);
  assert.deepEqual(f.entities.providers, ["gcp"]);
});

test("related non-mining types are weak supporting findings; unknown types are ignored", () => {
  const related = runDetector(cloudAlert, [guardDutySample({
    "rule.name": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "minerhunt.sample": false, "event.id": "x1",
  })]);
  assert.equal(related.length, 1);
  assert.ok(related[0]!.confidence < WEAK_CONFIDENCE);
  assert.equal(related[0]!.entities.pools, undefined, "a related alert names no pool");

  const key = runDetector(cloudAlert, [guardDutySample({
    "rule.name": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "event.id": "x5",
    "minerhunt.aws.access_key_id": "ASIAZ7EXAMPLESTOLEN1",
  })]);
  assert.deepEqual(key[0]!.entities.accessKeys, ["ASIAZ7EXAMPLESTOLEN1"], "joins the key's CloudTrail findings");
  assert.ok(related[0]!.tags?.includes("supporting"));

  const unknown = runDetector(cloudAlert, [
    guardDutySample({ "rule.name": "Recon:EC2/PortProbeUnprotectedPort", "event.id": "x2" }),
    defenderSample({ "rule.name": "VM_SshBruteForce", "event.id": "x3" }),
    guardDutySample({ "rule.name": undefined, "event.id": "x4" }),
  ]);
  assert.equal(unknown.length, 0);
});

test("the same alert id twice is one finding; the same type on two alerts is two", () => {
  const findings = runDetector(cloudAlert, [
    guardDutySample(),
    guardDutySample({ "minerhunt.line": 90, "log.file.path": "other-export.json" }),
    guardDutySample({ "event.id": "another-finding-id" }),
  ]);
  assert.equal(findings.length, 2);
});

test("a Defender type name in a GuardDuty event does not match (types are per provider)", () => {
  assert.equal(runDetector(cloudAlert, [guardDutySample({ "rule.name": "VM_DigitalCurrencyMining" })]).length, 0);
});
