import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { guardDutySource, guardDutySeverity } from "./guardduty.js";

const FIXTURE = "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json";

// An EventBridge event as GuardDuty publishes it: envelope keys, camelCase finding in "detail".
const dnsFinding = {
  schemaVersion: "2.0",
  accountId: "111122223333",
  region: "eu-central-1",
  partition: "aws",
  id: "7ec6b7cf2a0f4d10a8a3b6e7f0c1d2e3",
  arn: "arn:aws:guardduty:eu-central-1:111122223333:detector/12c5b7d0e8f94a6b8c1d2e3f4a5b6c7d/finding/7ec6b7cf2a0f4d10a8a3b6e7f0c1d2e3",
  type: "CryptoCurrency:EC2/BitcoinTool.B!DNS",
  resource: {
    resourceType: "Instance",
    instanceDetails: {
      instanceId: "i-0f1e2d3c4b5a69788",
      instanceType: "c5.24xlarge",
      launchTime: "2026-11-20T03:20:11.000Z",
      platform: null,
      productCodes: [],
      iamInstanceProfile: null,
      networkInterfaces: [{
        ipv6Addresses: [],
        networkInterfaceId: "eni-0a1b2c3d4e5f60718",
        privateDnsName: "ip-172-31-20-5.eu-central-1.compute.internal",
        privateIpAddress: "172.31.20.5",
        privateIpAddresses: [{ privateDnsName: "ip-172-31-20-5.eu-central-1.compute.internal", privateIpAddress: "172.31.20.5" }],
        subnetId: "subnet-0a1b2c3d",
        vpcId: "vpc-0a1b2c3d",
        securityGroups: [{ groupName: "launch-wizard-7", groupId: "sg-0a1b2c3d4e5f60718" }],
        publicDnsName: "ec2-3-120-5-6.eu-central-1.compute.amazonaws.com",
        publicIp: "3.120.5.6",
      }],
      outpostArn: null,
      tags: [{ key: "Name", value: "render-worker" }, { key: "Environment", value: "prod" }],
      instanceState: "running",
      availabilityZone: "eu-central-1b",
      imageId: "ami-0faab6bdbac9486fb",
      imageDescription: "Canonical, Ubuntu, 22.04 LTS",
    },
  },
  service: {
    serviceName: "guardduty",
    detectorId: "12c5b7d0e8f94a6b8c1d2e3f4a5b6c7d",
    action: { actionType: "DNS_REQUEST", dnsRequestAction: { domain: "xmr.pool.minergate.com.", protocol: "UDP", blocked: false } },
    resourceRole: "TARGET",
    additionalInfo: { value: "{}", type: "default" },
    evidence: null,
    eventFirstSeen: "2026-11-20T03:31:02.000Z",
    eventLastSeen: "2026-11-20T04:12:40.000Z",
    archived: false,
    count: 14,
  },
  severity: 8,
  createdAt: "2026-11-20T03:36:15.902Z",
  updatedAt: "2026-11-20T04:17:01.118Z",
  title: "Bitcoin-related domain name queried by EC2 instance i-0f1e2d3c4b5a69788.",
  description: "EC2 instance i-0f1e2d3c4b5a69788 is querying a domain name that is associated with Bitcoin-related activity.",
};
const eventBridge = {
  version: "0",
  id: "c8c4daa7-a20c-2f03-0070-b7393dd542ad",
  "detail-type": "GuardDuty Finding",
  source: "aws.guardduty",
  account: "111122223333",
  time: "2026-11-20T03:36:16Z",
  region: "eu-central-1",
  resources: [],
  detail: dnsFinding,
};

test("the real GuardDuty sample (PascalCase console export) maps and is marked as a sample", async (t) => {
  const path = sharedFixture(t, FIXTURE);
  if (!path) return;
  assert.equal(guardDutySource.sniff({ path, bytes: readFileSync(path), text: readFileSync(path, "utf8"), lines: [] }), 0.95);
  const { events, issues } = await parseFileWith(guardDutySource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["minerhunt.sample"], true, "additionalInfo.value says sample: true");
  assert.equal(e["rule.name"], "CryptoCurrency:Runtime/BitcoinTool.B");
  assert.equal(e["event.kind"], "alert");
  assert.equal(e["event.dataset"], "aws.guardduty");
  assert.equal(e["minerhunt.line"], 2, "the finding object starts on line 2, after the array's [");
  assert.equal(e["event.severity"], 8);
  assert.equal(e["minerhunt.alert.severity"], "high");
  assert.equal(e["event.id"], "0279a15a8db04b5db96f966fe2499882");
  assert.equal(e.message, "The EC2 instance i-99999999 is communicating with a known Bitcoin-related IP address.");
  assert.equal(e["cloud.account.id"], "340485104650");
  assert.equal(e["cloud.region"], "us-east-1");
  assert.equal(e["cloud.instance.id"], "i-99999999");
  assert.equal(e["cloud.machine.type"], "m3.xlarge");
  assert.equal(e["cloud.image.id"], "ami-99999999");
  assert.deepEqual(e["host.ip"], ["10.0.0.1", "198.51.100.0"]);
  assert.equal((e["cloud.instance.tags"] as string[]).length, 9);
  assert.equal((e["cloud.instance.tags"] as string[])[0], "GeneratedFindingInstanceTag1=GeneratedFindingInstanceValue1");
  assert.equal(e["container.id"], "GeneratedFindingContainerId");
  assert.equal(e["container.image.name"], "GeneratedFindingContainerImage");
  assert.equal(e["container.security_context.privileged"], false);
  assert.equal(e["event.action"], "NETWORK_CONNECTION");
  assert.equal(e["destination.ip"], "198.51.100.0");
  assert.equal(e["destination.port"], 25);
  assert.equal(e["source.ip"], "10.0.0.23");
  assert.equal(e["source.port"], 2000);
  assert.equal(e["network.direction"], "outbound");
  assert.equal(e["network.transport"], "tcp");
  assert.equal(e["process.name"], "GeneratedFindingProcessName");
  assert.equal(e["process.executable"], "GeneratedFindingPath");
  assert.equal(e["process.hash.sha256"], "GeneratedFindingHash");
  assert.equal(e["process.pid"], 1234);
  assert.equal(e["user.name"], "ec2-user");
  assert.equal(e["@timestamp"], "2025-06-29T01:24:57.000Z");
  assert.equal(e["event.end"], "2025-06-29T01:37:28.000Z");
  assert.equal(e["minerhunt.alert.count"], 2);
  assert.equal(e["cloud.provider"], "aws");
});

test("a GuardDuty EventBridge event (camelCase detail) maps the DNS request; not a sample", async () => {
  const text = JSON.stringify(eventBridge) + "\n";
  assert.equal(await sniffWith(guardDutySource, text, "gd.json"), 0.95);
  const { events, issues } = await parseWith(guardDutySource, text, "gd.json");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["rule.name"], "CryptoCurrency:EC2/BitcoinTool.B!DNS");
  assert.equal(e["dns.question.name"], "xmr.pool.minergate.com", "lower case, no trailing dot");
  assert.equal(e["minerhunt.sample"], undefined);
  assert.equal(e["cloud.instance.id"], "i-0f1e2d3c4b5a69788");
  assert.equal(e["cloud.machine.type"], "c5.24xlarge");
  assert.deepEqual(e["cloud.instance.tags"], ["Name=render-worker", "Environment=prod"]);
  assert.deepEqual(e["host.ip"], ["172.31.20.5", "3.120.5.6"]);
  assert.equal(e["cloud.availability_zone"], "eu-central-1b");
  assert.equal(e["minerhunt.alert.count"], 14);
  assert.equal(e["@timestamp"], "2026-11-20T03:31:02.000Z");
  assert.equal(e["minerhunt.line"], 1);
});

test("get-findings output with PascalCase keys, and a non-mining type, still parse (detectors decide)", async () => {
  const probe = {
    AccountId: "111122223333", Arn: "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1", CreatedAt: "2026-11-19T10:00:00.000Z",
    Description: "EC2 instance has an unprotected port which is being probed by a known malicious host.", Id: "f1", Partition: "aws", Region: "us-east-1",
    Resource: { ResourceType: "Instance", InstanceDetails: { InstanceId: "i-0123456789abcdef0", InstanceType: "t3.micro" } },
    SchemaVersion: "2.0",
    Service: {
      Action: { ActionType: "PORT_PROBE", PortProbeAction: { Blocked: false, PortProbeDetails: [{ LocalPortDetails: { Port: 22, PortName: "SSH" }, RemoteIpDetails: { IpAddressV4: "198.51.100.23" } }] } },
      Archived: false, Count: 3, DetectorId: "d1", EventFirstSeen: "2026-11-19T09:00:00.000Z", EventLastSeen: "2026-11-19T09:55:00.000Z", ResourceRole: "TARGET", ServiceName: "guardduty",
    },
    Severity: 2, Title: "Unprotected port on EC2 instance i-0123456789abcdef0 is being probed.", Type: "Recon:EC2/PortProbeUnprotectedPort", UpdatedAt: "2026-11-19T10:00:00.000Z",
  };
  const doc = JSON.stringify({ Findings: [probe, { ...probe, Id: "f2", Severity: 9.5, Type: "AttackSequence:EC2/CompromisedInstanceGroup" }] }, null, 2);
  assert.equal(await sniffWith(guardDutySource, doc, "findings.json"), 0.95);
  const { events, issues } = await parseWith(guardDutySource, doc, "findings.json");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["rule.name"], "Recon:EC2/PortProbeUnprotectedPort");
  assert.equal(events[0]!["minerhunt.alert.severity"], "low");
  assert.equal(events[0]!["source.ip"], "198.51.100.23");
  assert.deepEqual(events[0]!["minerhunt.alert.probed_ports"], ["22"]);
  assert.equal(events[1]!["minerhunt.alert.severity"], "critical");
  assert.equal(events[0]!["minerhunt.line"], 3);
  assert.ok((events[1]!["minerhunt.line"] as number) > 3);
});

test("EKS runtime finding: cluster, workload and images", async () => {
  const finding = {
    ...dnsFinding,
    type: "Impact:Runtime/CryptoMinerExecuted",
    resource: {
      resourceType: "EKSCluster",
      eksClusterDetails: { name: "prod-eks", arn: "arn:aws:eks:eu-central-1:111122223333:cluster/prod-eks", vpcId: "vpc-0a1b2c3d", status: "ACTIVE" },
      kubernetesDetails: {
        kubernetesWorkloadDetails: { name: "metrics-agent", type: "daemonsets", uid: "5d0c", namespace: "kube-system", hostNetwork: true, containers: [{ name: "agent", image: "docker.io/kinsing/metrics:latest", imagePrefix: "docker.io/kinsing/metrics", securityContext: { privileged: true } }] },
        kubernetesUserDetails: null,
      },
    },
    service: {
      ...dnsFinding.service,
      featureName: "RuntimeMonitoring",
      action: {},
      runtimeDetails: {
        process: {
          name: "kdevtmpfsi", executablePath: "/tmp/kdevtmpfsi", executableSha256: "a3c2f1e0d9b8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2",
          pid: 4411, pwd: "/tmp", user: "root", euid: 0, startTime: "2026-11-20T03:30:55.000Z", uuid: "p-2", parentUuid: "p-1",
          lineage: [{ pid: 4410, uuid: "p-1", executablePath: "/bin/sh", euid: 0, parentUuid: "p-0" }],
        },
      },
    },
  };
  const { events } = await parseWith(guardDutySource, JSON.stringify([finding]), "gd.json");
  const e = events[0]!;
  assert.equal(e["orchestrator.cluster.name"], "prod-eks");
  assert.equal(e["orchestrator.namespace"], "kube-system");
  assert.equal(e["orchestrator.resource.name"], "metrics-agent");
  assert.equal(e["orchestrator.resource.type"], "daemonsets");
  assert.equal(e["container.image.name"], "docker.io/kinsing/metrics:latest");
  assert.equal(e["minerhunt.k8s.privileged"], true);
  assert.equal(e["process.name"], "kdevtmpfsi");
  assert.equal(e["process.parent.pid"], 4410);
  assert.equal(e["process.parent.name"], "sh");
});

test("guardDutySeverity bands", () => {
  assert.deepEqual([1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(guardDutySeverity), ["low", "low", "medium", "medium", "high", "high", "critical", "critical"]);
});

test("a finding without a type is an issue; the next one still comes out", async () => {
  const text = JSON.stringify({ ...dnsFinding, type: undefined }) + "\n" + "{not json}\n" + JSON.stringify(dnsFinding) + "\n";
  const { events, issues } = await parseWith(guardDutySource, text, "gd.ndjson");
  assert.equal(events.length, 1);
  assert.equal(events[0]!["minerhunt.line"], 3);
  assert.deepEqual(issues.map((i) => i.line), [1, 2]);
  assert.match(issues[0]!.message, /not a GuardDuty finding/);
  assert.match(issues[1]!.message, /invalid JSON/);
});

test("sniffing: other JSON (CloudTrail, unknown shapes) is not claimed", async () => {
  assert.equal(await sniffWith(guardDutySource, '{"Records":[{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","eventTime":"2026-11-20T03:14:07Z","awsRegion":"us-east-1"}]}'), 0);
  assert.equal(await sniffWith(guardDutySource, '{"type": "x", "severity": 3, "resource": {}, "service": {}}'), 0, "generic keys alone are not enough");
  assert.equal(await sniffWith(guardDutySource, '[{"a":1}]'), 0);
});
