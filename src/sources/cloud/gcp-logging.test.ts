import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { gcpLoggingSource } from "./gcp-logging.js";

test("the real custom-detector entry: project, instance, zone and the detector's text", async (t) => {
  const path = sharedFixture(t, "cloud-findings/gcp-logging-custom-cryptomining-detector.json");
  if (!path) return;
  assert.equal(await sniffWith(gcpLoggingSource, readFileSync(path)), 0.9);
  const { events, issues } = await parseFileWith(gcpLoggingSource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "gcp.logging");
  assert.equal(e["event.kind"], "event");
  assert.equal(e["minerhunt.line"], 1);
  assert.equal(e.message, "CRYPTOMINING_DETECTED");
  assert.equal(e["log.logger"], "projects/general-dev-billing-account/logs/cryptomining");
  assert.equal(e["minerhunt.gcp.log_id"], "cryptomining");
  assert.equal(e["log.level"], "error");
  assert.equal(e["cloud.provider"], "gcp");
  assert.equal(e["cloud.project.id"], "general-dev-billing-account");
  assert.equal(e["cloud.instance.id"], "715447017152936528");
  assert.equal(e["cloud.availability_zone"], "us-central1-a");
  assert.equal(e["cloud.region"], "us-central1");
  assert.equal(e["minerhunt.gcp.resource_type"], "gce_instance");
  assert.equal(e["@timestamp"], "2020-11-13T17:43:15.135Z");
  assert.equal(e["event.id"], "1b6nno4f2ybl2l");
});

test("an audit log of compute.instances.insert names the GPU machine type and the caller", async () => {
  const entry = {
    protoPayload: {
      "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
      authenticationInfo: { principalEmail: "ci-deployer@render-farm-prod.iam.gserviceaccount.com" },
      requestMetadata: { callerIp: "203.0.113.77", callerSuppliedUserAgent: "google-cloud-sdk gcloud/466.0.0 command/gcloud.compute.instances.create,gzip(gfe)" },
      serviceName: "compute.googleapis.com",
      methodName: "v1.compute.instances.insert",
      resourceName: "projects/render-farm-prod/zones/us-east1-c/instances/gpu-node-3",
      request: {
        "@type": "type.googleapis.com/compute.instances.insert",
        name: "gpu-node-3",
        machineType: "https://www.googleapis.com/compute/v1/projects/render-farm-prod/zones/us-east1-c/machineTypes/a2-highgpu-8g",
        guestAccelerators: [{ acceleratorType: "projects/render-farm-prod/zones/us-east1-c/acceleratorTypes/nvidia-tesla-a100", acceleratorCount: 8 }],
      },
    },
    insertId: "-x1y2z3e4abcd",
    resource: { type: "gce_instance", labels: { instance_id: "8123456789012345678", project_id: "render-farm-prod", zone: "us-east1-c" } },
    timestamp: "2026-11-20T03:22:10.512345Z",
    severity: "NOTICE",
    logName: "projects/render-farm-prod/logs/cloudaudit.googleapis.com%2Factivity",
    operation: { id: "operation-1763608930-abc", producer: "compute.googleapis.com", first: true },
    receiveTimestamp: "2026-11-20T03:22:11.2Z",
  };
  const { events, issues } = await parseWith(gcpLoggingSource, JSON.stringify([entry, { ...entry, insertId: "-x2" }], null, 2), "audit.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  const e = events[0]!;
  assert.deepEqual(e["event.category"], ["configuration"]);
  assert.equal(e["event.action"], "v1.compute.instances.insert");
  assert.equal(e["cloud.machine.type"], "a2-highgpu-8g");
  assert.deepEqual(e["minerhunt.gcp.accelerators"], ["nvidia-tesla-a100x8"]);
  assert.equal(e["user.name"], "ci-deployer@render-farm-prod.iam.gserviceaccount.com");
  assert.equal(e["source.ip"], "203.0.113.77");
  assert.equal(e["event.outcome"], "success");
  assert.equal(e["cloud.instance.id"], "8123456789012345678");
  assert.equal(e["cloud.region"], "us-east1");
  assert.equal(e["minerhunt.gcp.log_id"], "cloudaudit.googleapis.com/activity");
  assert.equal(e["minerhunt.line"], 2);
});

test("an entry carrying an SCC finding in jsonPayload becomes a gcp.scc alert", async () => {
  const entry = {
    insertId: "1a2b3c", logName: "projects/render-farm-prod/logs/securitycenter.googleapis.com%2Ffindings",
    resource: { type: "security_command_center_finding", labels: { project_id: "render-farm-prod" } },
    timestamp: "2026-11-20T03:41:02Z",
    jsonPayload: {
      finding: { name: "organizations/1/sources/2/findings/3", parent: "organizations/1/sources/2", resourceName: "//compute.googleapis.com/projects/render-farm-prod/zones/us-central1-a/instances/501", state: "ACTIVE", category: "Execution: Cryptocurrency Mining Combined Detection", severity: "CRITICAL", eventTime: "2026-11-20T03:40:00Z", findingClass: "THREAT" },
    },
  };
  const { events, issues } = await parseWith(gcpLoggingSource, JSON.stringify(entry), "l.json");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["event.dataset"], "gcp.scc");
  assert.equal(events[0]!["minerhunt.format"], "gcp.logging");
  assert.equal(events[0]!["rule.name"], "Execution: Cryptocurrency Mining Combined Detection");
  assert.equal(events[0]!["minerhunt.alert.severity"], "critical");
});

test("an object without logName is an issue; sniffing ignores other JSON", async () => {
  const { events, issues } = await parseWith(gcpLoggingSource, '{"insertId":"a"}\n{"insertId":"b","logName":"projects/p/logs/x","textPayload":"hi"}\n', "l.json");
  assert.equal(events.length, 1);
  assert.equal(issues[0]!.line, 1);
  assert.equal(await sniffWith(gcpLoggingSource, '{"timestamp":"2026-01-01T00:00:00Z","message":"x"}'), 0);
  assert.equal(await sniffWith(gcpLoggingSource, '{"Records":[]}'), 0);
});
