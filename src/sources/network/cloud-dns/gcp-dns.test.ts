import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Prefilter } from "../../types.js";
import { parseWith, sharedFixture } from "../../../test-helpers/index.js";
import { allSources, chooseSource } from "../../index.js";
import { openBuffer } from "../../input.js";
import { gcpLoggingSource } from "../../cloud/gcp-logging.js";
import { gcpDnsSource } from "./gcp-dns.js";
import { gcpRdataAnswers } from "./gcp-dns-record.js";

const NO_ERROR = "gcp-cloud-dns/otel-gcp-dns_query_no_error.json";
const NXDOMAIN = "gcp-cloud-dns/otel-gcp-dns_query_no_domain_error.json";

async function sniffedId(text: string): Promise<string | undefined> {
  const { sample } = await openBuffer("entries.json", text);
  return chooseSource(sample, allSources).source?.id;
}

test("real Cloud DNS entries: fields as the OpenTelemetry decoder's expected output has them", async (t) => {
  const a = sharedFixture(t, NO_ERROR);
  const b = sharedFixture(t, NXDOMAIN);
  if (!a || !b) return;
  const okText = readFileSync(a, "utf8");
  assert.equal(await sniffedId(okText), "gcp.dns");
  const { events, issues } = await parseWith(gcpDnsSource, okText, a);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "gcp.dns");
  assert.equal(e["minerhunt.format"], "gcp.dns");
  assert.deepEqual(e["event.category"], ["network", "dns"]);
  // Cross-checked against otel-gcp-dns_query_no_error_expected.yaml (timeUnixNano 1764251155469213028).
  assert.equal(e["@timestamp"], new Date(Number(1764251155469213028n / 1_000_000n)).toISOString());
  assert.equal(e["dns.question.name"], "logging.googleapis.com");
  assert.equal(e["dns.question.type"], "A");
  assert.equal(e["dns.response_code"], "NOERROR");
  assert.equal(e["source.ip"], "10.132.0.43");
  assert.equal(e["network.transport"], "udp");
  assert.equal(e["cloud.provider"], "gcp");
  assert.equal(e["cloud.project.id"], "elastic-logstash");
  assert.equal(e["cloud.account.id"], "elastic-logstash");
  assert.equal(e["cloud.availability_zone"], "europe-west1-c");
  assert.equal(e["cloud.region"], "europe-west1");
  assert.equal(e["cloud.instance.id"], "2838092002611613780", "the exact id from vmInstanceIdString, not the rounded number");
  assert.equal(e["cloud.instance.name"], "instance-20251126-211431");
  assert.equal(e["host.name"], "instance-20251126-211431");
  assert.equal(e["event.id"], "10x6hrzevg2qw");
  assert.equal(e["minerhunt.gcp.dns.auth_answer"], false);
  assert.equal(e["minerhunt.gcp.dns.server_latency"], 4);
  // rdata: a CNAME, three whole A records and a fourth Google cut to "21...".
  assert.deepEqual(e["dns.answers.data"], ["logging-alv.googleapis.com", "216.239.38.174", "216.239.36.174", "216.239.32.174"]);
  assert.deepEqual(e["dns.answers.type"], ["CNAME", "A", "A", "A"]);
  assert.deepEqual(e["dns.resolved_ip"], ["216.239.38.174", "216.239.36.174", "216.239.32.174"]);
  assert.equal(e["minerhunt.gcp.dns.rdata_truncated"], true);
  assert.equal(e["minerhunt.line"], 1);

  const nx = await parseWith(gcpDnsSource, readFileSync(b, "utf8"), b);
  assert.equal(nx.events[0]!["dns.response_code"], "NXDOMAIN");
  assert.equal(nx.events[0]!["dns.question.name"], "non-existent-domain-123456789.com");
  assert.equal(nx.events[0]!["dns.resolved_ip"], undefined);
  assert.equal(nx.events[0]!["log.level"], "notice");
});

test("both real entries concatenated as gcloud writes an array; mixed with an audit entry, gcp.logging reads both kinds", async (t) => {
  const a = sharedFixture(t, NO_ERROR);
  const b = sharedFixture(t, NXDOMAIN);
  if (!a || !b) return;
  const entries = [JSON.parse(readFileSync(a, "utf8")) as unknown, JSON.parse(readFileSync(b, "utf8")) as unknown];
  const array = JSON.stringify(entries, null, 2);
  const both = await parseWith(gcpDnsSource, array, "dns.json");
  assert.deepEqual(both.issues, []);
  assert.deepEqual(both.events.map((e) => e["dns.question.name"]), ["logging.googleapis.com", "non-existent-domain-123456789.com"]);
  assert.equal(both.events[1]!["minerhunt.line"], array.split("\n").findIndex((l, i) => i > 1 && l === "  {") + 1);

  const audit = { insertId: "abc", logName: "projects/p/logs/cloudaudit.googleapis.com%2Factivity", timestamp: "2025-11-27T13:50:00Z",
    resource: { type: "gce_instance", labels: { project_id: "p", zone: "europe-west1-c", instance_id: "1" } },
    protoPayload: { "@type": "type.googleapis.com/google.cloud.audit.AuditLog", methodName: "v1.compute.instances.insert", serviceName: "compute.googleapis.com" } };
  const mixed = [entries[0], audit].map((x) => JSON.stringify(x)).join("\n") + "\n";
  assert.equal(await sniffedId(mixed), "gcp.logging", "a mixed export is left to gcp.logging");
  const m = await parseWith(gcpLoggingSource, mixed, "mixed.json");
  assert.deepEqual(m.events.map((e) => e["event.dataset"]), ["gcp.dns", "gcp.logging"]);
  assert.equal(m.events[0]!["minerhunt.format"], "gcp.logging");
});

test("a pool lookup from a VM; prefilter skips names that cannot matter; a bad entry is reported with its line", async () => {
  const entry = (name: string, rdata: string) => JSON.stringify({
    insertId: `id-${name}`, logName: "projects/render-prod/logs/dns.googleapis.com%2Fdns_queries", timestamp: "2026-11-20T03:14:07.123456789Z",
    resource: { type: "dns_query", labels: { project_id: "render-prod", location: "us-central1", source_type: "gce-vm", target_type: "external", target_name: "" } },
    severity: "INFO",
    jsonPayload: { queryName: `${name}.`, queryType: "A", responseCode: "NOERROR", rdata, sourceIP: "10.128.0.7", protocol: "UDP", sourceNetwork: "default",
      vmInstanceIdString: "4455667788990011223", vmInstanceName: "123456789012.gpu-node-3", vmProjectId: "render-prod", vmZoneName: "us-central1-a", authAnswer: false },
  });
  const text = [
    entry("xmr-us-east1.nanopool.org", "xmr-us-east1.nanopool.org.\t60\tIN\ta\t51.222.12.131\n"),
    entry("www.google.com", "www.google.com.\t300\tIN\ta\t142.250.1.1\n"),
    '{"insertId": "x", "logName": "projects/render-prod/logs/dns.googleapis.com%2Fdns_queries", ',
  ].join("\n") + "\n";
  const pf: Prefilter = { domain: (n) => n.endsWith("nanopool.org"), ip: () => false, port: () => false, text: () => true };
  const { events, issues, skipped } = await parseWith(gcpDnsSource, text, "dns.ndjson", pf);
  assert.equal(events.length, 1);
  assert.equal(skipped, 1);
  const e = events[0]!;
  assert.equal(e["dns.question.name"], "xmr-us-east1.nanopool.org");
  assert.deepEqual(e["dns.resolved_ip"], ["51.222.12.131"]);
  assert.equal(e["cloud.instance.id"], "4455667788990011223");
  assert.equal(e["host.name"], "gpu-node-3");
  assert.equal(e["cloud.region"], "us-central1");
  assert.equal(e["@timestamp"], "2026-11-20T03:14:07.123Z");
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 3);
});

test("rdata: tab-separated records, cut lines dropped, bounded", () => {
  assert.deepEqual(gcpRdataAnswers("a.example.\t60\tIN\tcname\tb.example.\nb.example.\t60\tIN\taaaa\t2001:db8::1"),
    { answers: [{ data: "b.example.", type: "CNAME" }, { data: "2001:db8::1", type: "AAAA" }], truncated: false });
  assert.deepEqual(gcpRdataAnswers("a.example.\t60\tIN\ta\t10.0.0.1\nb.exa..."), { answers: [{ data: "10.0.0.1", type: "A" }], truncated: true });
  assert.equal(gcpRdataAnswers(Array.from({ length: 500 }, () => "a.\t1\tIN\ta\t10.0.0.1").join("\n")).answers.length, 64);
  assert.deepEqual(gcpRdataAnswers(""), { answers: [], truncated: false });
});
