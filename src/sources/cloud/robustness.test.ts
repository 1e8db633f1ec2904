// Hostile and broken input never ends a run: every cloud and container source turns it into
// events and issues without throwing, in bounded time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpuMsSince, parseWith } from "../../test-helpers/index.js";
import { containerSources } from "../container/index.js";
import { cloudSources } from "./index.js";

const ALL = [...cloudSources, ...containerSources];

// Small deterministic generator, so a failure can be replayed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valid = [
  JSON.stringify({ Records: [{ eventVersion: "1.08", eventTime: "2026-11-20T03:14:07Z", eventSource: "ec2.amazonaws.com", eventName: "RunInstances", awsRegion: "us-east-1", userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::1:assumed-role/r/s" }, requestParameters: { instancesSet: { items: [{ maxCount: 3 }] }, instanceType: "p3.2xlarge" }, responseElements: { instancesSet: { items: [{ instanceId: "i-1" }] } } }] }),
  JSON.stringify({ "detail-type": "GuardDuty Finding", source: "aws.guardduty", detail: { type: "CryptoCurrency:EC2/BitcoinTool.B", severity: 8, resource: { instanceDetails: { instanceId: "i-1", tags: [{ key: "a", value: "b" }] } }, service: { action: { actionType: "NETWORK_CONNECTION", networkConnectionAction: { remoteIpDetails: { ipAddressV4: "198.51.100.1" } } }, additionalInfo: { value: "{\"sample\":true}" } } } }),
  JSON.stringify({ AlertType: "SIMULATED_VM_DigitalCurrencyMining", AlertName: "x", Entities: "[{\"$id\":\"1\",\"Type\":\"host\",\"HostName\":\"h\"},{\"$id\":\"2\",\"Type\":\"process\",\"ImageFile\":{\"$ref\":\"1\"},\"ParentProcess\":{\"$ref\":\"2\"}}]", ExtendedProperties: "{\"Suspicious Process\":\"/tmp/x\"}", ResourceId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v" }),
  JSON.stringify({ notificationConfigName: "n", finding: { category: "c", resourceName: "//compute.googleapis.com/projects/p/zones/us-central1-a/instances/1", sourceProperties: { threats: [{ memory_hash_detector: { binary: "xmrig" } }] } }, resource: { projectDisplayName: "p" } }),
  JSON.stringify({ insertId: "a", logName: "projects/p/logs/x%2Fy", resource: { type: "gce_instance", labels: { zone: "us-central1-a" } }, protoPayload: { "@type": "type.googleapis.com/google.cloud.audit.AuditLog", request: { machineType: "zones/z/machineTypes/a2", guestAccelerators: [{}] } } }),
  JSON.stringify({ rule: "r", output: "o", priority: "Critical", time: "2026-11-20T00:00:00Z", output_fields: { "fd.name": "1.2.3.4:1->5.6.7.8:3333", "container.id": "c", "container.image": "repo:5000/img" } }),
  JSON.stringify({ kind: "Event", apiVersion: "audit.k8s.io/v1", auditID: "a", stage: "ResponseComplete", verb: "patch", requestURI: "/api/v1/namespaces/d/pods/p/exec?command=%E0%A4%A", objectRef: { resource: "pods", subresource: "exec" }, requestObject: [{ op: "add", path: "/spec/containers/-", value: { image: "x", command: ["a"] } }] }),
];

const hostile = [
  "",
  "   \n\n",
  "[" .repeat(100_000),
  "{".repeat(100_000),
  '{"Records": ' + "[".repeat(50_000) + "]".repeat(50_000) + "}",
  '{"a": "' + "\\".repeat(10_001) + '"}',
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "AlertType": "x", "type": "y", "rule": "r", "output": "o"}',
  '{"Records": [null, 1, "s", [], {}, {"eventName": 5, "eventSource": {}}]}',
  '{"detail-type": "GuardDuty Finding", "detail": "not an object"}',
  '{"message": {"data": "!!!not base64!!!"}, "subscription": "s"}',
  '{"tables": [{"columns": 5, "rows": [[1, 2]]}, {"columns": [{"name": "__proto__"}, {"name": "AlertType"}], "rows": [[{"x": 1}, "T"], "notarow"]}]}',
  "\u0000\u0001binary\uffff",
  '{"type":"x","severity":1,"service":' + '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000) + "}",
  '{"Records":[{"eventName":"RunInstances","eventSource":"ec2.amazonaws.com","requestParameters":' + "[".repeat(20_000) + "]".repeat(20_000) + "}]}",
  '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"kind":"Event","verb":"create","auditID":"x","requestObject":{"spec":{"containers":"nope","volumes":[{"hostPath":5}]}}}]}',
];

test("every source survives hostile input without throwing", async () => {
  for (const source of ALL) {
    for (const input of hostile) {
      const started = process.cpuUsage();
      await assert.doesNotReject(parseWith(source, input, "hostile.json"), `${source.id} on ${JSON.stringify(input.slice(0, 40))}`);
      assert.ok(cpuMsSince(started) < 5000, `${source.id} took too long on ${JSON.stringify(input.slice(0, 40))}`);
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "no prototype was polluted");
});

test("every source survives random cuts and byte flips of valid records", async () => {
  const rand = prng(31337);
  for (const source of ALL) {
    for (const base of valid) {
      for (let k = 0; k < 40; k++) {
        let s = base;
        const op = rand();
        if (op < 0.4) s = s.slice(0, Math.floor(rand() * s.length));
        else if (op < 0.8) {
          const i = Math.floor(rand() * s.length);
          const chars = '{}[]",:\\0a \n';
          s = s.slice(0, i) + chars[Math.floor(rand() * chars.length)] + s.slice(i + 1);
        } else s = `${s}\n${s.slice(Math.floor(rand() * s.length))}\n${s}`;
        const { events, issues } = await parseWith(source, s, "fuzz.json");
        assert.ok(Array.isArray(events) && Array.isArray(issues));
        for (const e of events) assert.equal(e["minerhunt.format"], source.id);
      }
    }
  }
});

test("the valid samples parse into at least one event each with their own source", async () => {
  for (const [i, base] of valid.entries()) {
    const source = ALL[i]!;
    const { events, issues } = await parseWith(source, base, "ok.json");
    assert.ok(events.length >= 1, `${source.id}: ${JSON.stringify(issues)}`);
  }
});
