/**
 * End to end: Route 53 Resolver query logs and VPC Flow Logs of one instance, scanned together as a
 * user would (`minerhunt scan DIR`): both formats are sniffed, the pool lookup and the connection to
 * the address it resolved to are found, and both land in one incident naming the instance, the pool
 * domain, the address and the port. (The full DNS-to-flow join is issue 8; this shows the parts meet.)
 * Google Cloud DNS and Azure DNS logs of a pool lookup are sniffed and found the same way.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runScan } from "../../../pipeline/run.js";

const INSTANCE = "i-0abc1234def567890";
const POOL = "gulf.moneroocean.stream";
const POOL_IP = "18.210.126.40";

function route53(time: string, name: string, answers: [string, string][], port: number): string {
  return JSON.stringify({
    version: "1.100000", account_id: "111122223333", region: "eu-west-1", vpc_id: "vpc-0a1b2c3d", query_timestamp: time,
    query_name: `${name}.`, query_type: "A", query_class: "IN", rcode: "NOERROR",
    answers: answers.map(([Rdata, Type]) => ({ Rdata, Type, Class: "IN" })),
    srcaddr: "10.0.1.23", srcport: String(port), transport: "UDP", srcids: { instance: INSTANCE },
  });
}

test("Route 53 Resolver + VPC Flow Logs of one instance: one incident with instance, pool domain, address and port", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mh-r53-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dns = [
    route53("2026-11-20T03:14:07Z", "s3.eu-west-1.amazonaws.com", [["52.218.0.10", "A"]], 41001),
    route53("2026-11-20T03:14:09Z", POOL, [[POOL_IP, "A"]], 41002),
    route53("2026-11-20T03:44:09Z", POOL, [[POOL_IP, "A"]], 41003),
  ].join("\n") + "\n";
  // S3 delivery names and gzips the file; the flow log uses a custom format with instance-id (v3 fields).
  writeFileSync(join(dir, "111122223333_vpcdnsquerylogs_eu-west-1_20261120T0315Z_1a2b3c4d.log.gz"), gzipSync(dns));
  const start = Date.parse("2026-11-20T03:14:10Z") / 1000;
  const flows = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id instance-id"];
  for (let i = 0; i < 6; i++) {
    const s = start + i * 600;
    flows.push(`3 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.23 ${POOL_IP} 50312 10128 6 40 4200 ${s} ${s + 600} ACCEPT OK vpc-0a1b2c3d ${INSTANCE}`);
    flows.push(`3 111122223333 eni-0a1b2c3d4e5f60718 ${POOL_IP} 10.0.1.23 10128 50312 6 38 6100 ${s} ${s + 600} ACCEPT OK vpc-0a1b2c3d ${INSTANCE}`);
  }
  writeFileSync(join(dir, "vpcflow.log"), flows.join("\n") + "\n");

  const { result, findings, incidents } = await runScan({ paths: [dir], defaultRules: false });
  assert.deepEqual(result.files.map((f) => f.format).sort(), ["aws.route53_resolver", "aws.vpcflow"]);
  assert.equal(result.issuesTotal, 0, JSON.stringify(result.issues));

  const dnsFinding = findings.find((f) => f.rule.id === "minerhunt.network.pool-dns");
  assert.ok(dnsFinding, findings.map((f) => f.rule.id).join(", "));
  assert.ok(dnsFinding.entities.instances?.includes(INSTANCE), "the lookup names the instance");
  assert.ok(dnsFinding.title.includes(POOL));
  assert.equal(dnsFinding.facts?.["dns.count"], 2);
  const conn = findings.find((f) => f.rule.id === "minerhunt.network.pool-connection");
  assert.ok(conn, findings.map((f) => f.rule.id).join(", "));
  assert.ok(conn.entities.instances?.includes(INSTANCE), "the connection names the instance");
  const connText = `${conn.title} ${JSON.stringify(conn.facts)} ${JSON.stringify(conn.observables)}`;
  for (const part of [POOL, POOL_IP, "10128"]) assert.ok(connText.includes(part), `the connection names ${part}: ${connText}`);

  const incident = incidents.find((i) => i.findingIds.includes(dnsFinding.id));
  assert.ok(incident);
  assert.ok(incident.findingIds.includes(conn.id), "lookup and connection are one incident");
  assert.ok(incident.entities.instances?.includes(INSTANCE));
  assert.equal(incident.environment, "cloud");
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
});

test("Google Cloud DNS and Azure Firewall DNS proxy logs of a pool lookup are sniffed and found", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mh-clouddns-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gcp = {
    insertId: "q1", logName: "projects/render-prod/logs/dns.googleapis.com%2Fdns_queries", timestamp: "2026-11-20T03:14:07.5Z", severity: "INFO",
    resource: { type: "dns_query", labels: { project_id: "render-prod", location: "us-central1", source_type: "gce-vm", target_type: "external", target_name: "" } },
    jsonPayload: { queryName: "xmr-us-east1.nanopool.org.", queryType: "A", responseCode: "NOERROR", rdata: "xmr-us-east1.nanopool.org.\t60\tIN\ta\t51.222.12.131\n",
      sourceIP: "10.128.0.7", protocol: "UDP", vmInstanceIdString: "4455667788990011223", vmInstanceName: "123456789012.gpu-node-3",
      vmProjectId: "render-prod", vmZoneName: "us-central1-a" },
  };
  writeFileSync(join(dir, "dns_queries.json"), JSON.stringify([gcp], null, 2));
  const azure = { records: [{ category: "AzureFirewallDnsProxy", time: "2026-11-20T03:14:07Z", operationName: "AzureFirewallDnsProxyLog",
    resourceId: "/SUBSCRIPTIONS/0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0/RESOURCEGROUPS/RG-HUB/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW-HUB",
    properties: { msg: "DNS Request: 10.1.2.4:52114 - 4421 A IN pool.supportxmr.com. udp 38 false 512 NOERROR qr,rd,ra 94 0.00131s" } }] };
  writeFileSync(join(dir, "PT1H.json"), JSON.stringify(azure));
  const { result, findings } = await runScan({ paths: [dir], defaultRules: false });
  assert.deepEqual(result.files.map((f) => f.format).sort(), ["azure.dns", "gcp.dns"]);
  const pools = findings.filter((f) => f.rule.id === "minerhunt.network.pool-dns");
  const gcpHit = pools.find((f) => f.title.includes("xmr-us-east1.nanopool.org"));
  assert.ok(gcpHit?.entities.instances?.includes("4455667788990011223"));
  assert.ok(gcpHit?.entities.hosts?.includes("gpu-node-3"));
  const azHit = pools.find((f) => f.title.includes("pool.supportxmr.com"));
  assert.ok(azHit?.entities.ips?.includes("10.1.2.4"));
  assert.ok(azHit?.entities.accounts?.includes("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
});
