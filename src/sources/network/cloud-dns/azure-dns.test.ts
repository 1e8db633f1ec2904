import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Prefilter } from "../../types.js";
import { parseWith, sharedFixture } from "../../../test-helpers/index.js";
import { allSources, chooseSource } from "../../index.js";
import { openBuffer } from "../../input.js";
import { azureDnsSource } from "./azure-dns.js";
import { parseProxyMessage } from "./azure-dns-record.js";

const FW_ID = "/SUBSCRIPTIONS/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/RESOURCEGROUPS/RG-HUB/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW-HUB";

async function sniffedId(text: string): Promise<string | undefined> {
  const { sample } = await openBuffer("PT1H.json", text);
  return chooseSource(sample, allSources).source?.id;
}

test("the documented DNS proxy record (en dash, type AAA) maps to a DNS event", async (t) => {
  const file = sharedFixture(t, "azure-dns/azure-docs-AzureFirewallDnsProxy-success.json");
  if (!file) return;
  const text = readFileSync(file, "utf8");
  assert.equal(await sniffedId(text), "azure.dns");
  const { events, issues } = await parseWith(azureDnsSource, text, file);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "azure.firewall_dns");
  assert.deepEqual(e["event.category"], ["network", "dns"]);
  assert.equal(e["cloud.provider"], "azure");
  assert.equal(e["@timestamp"], "2020-09-02T19:12:33.751Z");
  assert.equal(e["source.ip"], "11.5.0.7");
  assert.equal(e["source.port"], 48197);
  assert.equal(e["dns.id"], 15676);
  assert.equal(e["dns.question.type"], "AAA", "kept as logged, not corrected");
  assert.equal(e["dns.question.class"], "IN");
  assert.equal(e["dns.question.name"], "md-l1l1pg5lcmkq.blob.core.windows.net");
  assert.equal(e["network.transport"], "udp");
  assert.equal(e["dns.response_code"], "NOERROR");
  assert.equal(e["event.duration"], 2000301956);
  assert.equal(e["observer.name"], "{resourceName}");
  assert.equal(e["minerhunt.line"], 1);
});

test("the documented failure record is not valid JSON: reported with its line, nothing crashes", async (t) => {
  const file = sharedFixture(t, "azure-dns/azure-docs-AzureFirewallDnsProxy-failed.as-documented.txt");
  if (!file) return;
  const { events, issues } = await parseWith(azureDnsSource, readFileSync(file, "utf8"), file);
  assert.equal(events.length, 0);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 1);
  assert.match(issues[0]!.message, /invalid JSON/);
});

test("the failure text, once valid, gives the name, type and error", () => {
  const m = parseProxyMessage(" Error: 2 time.windows.com.reddog.microsoft.com. A: read udp 10.0.1.5:49126->168.63.129.160:53: i/o timeout");
  assert.deepEqual(m, { errorNumber: 2, name: "time.windows.com.reddog.microsoft.com.", type: "A", error: "read udp 10.0.1.5:49126->168.63.129.160:53: i/o timeout" });
  assert.equal(parseProxyMessage("DNS Request: [2001:db8::4]:5353 - 7 A IN x.example. tcp 40 false 512 NXDOMAIN qr,rd 40 0.1s")?.client, "2001:db8::4");
  assert.equal(parseProxyMessage("something else"), undefined);
});

test("Event Hub / storage export ({records:[...]}) mixing DNS proxy, network rule and AZFWDnsQuery records", async () => {
  const doc = {
    records: [
      { category: "AzureFirewallDnsProxy", time: "2026-11-20T03:14:07.1234567Z", resourceId: FW_ID, operationName: "AzureFirewallDnsProxyLog",
        properties: { msg: "DNS Request: 10.1.2.4:52114 - 4421 A IN xmr-eu1.nanopool.org. udp 38 false 512 NOERROR qr,rd,ra 94 0.00131s" } },
      { category: "AzureFirewallNetworkRule", time: "2026-11-20T03:14:08Z", resourceId: FW_ID, operationName: "AzureFirewallNetworkRuleLog",
        properties: { msg: "TCP request from 10.1.2.4:50312 to 51.15.54.102:14444. Action: Allow" } },
      { time: "2026-11-20T03:14:09Z", resourceId: FW_ID, category: "AZFWDnsQuery", operationName: "AZFWDnsQuery",
        properties: { SourceIp: "10.1.2.5", SourcePort: 40001, QueryId: 9, QueryType: "A", QueryClass: "IN", QueryName: "gulf.moneroocean.stream.",
          Protocol: "UDP", RequestSize: 41, DnssecOkBit: false, EDNS0BufferSize: 512, ResponseCode: "NOERROR", ResponseFlags: "qr,rd,ra",
          ResponseSize: 57, RequestDurationSecs: 0.0042, ErrorNumber: 0, ErrorMessage: "" } },
    ],
  };
  const text = JSON.stringify(doc, null, 2);
  assert.equal(await sniffedId(text), "azure.dns");
  const { events, issues } = await parseWith(azureDnsSource, text, "PT1H.json");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["dns.question.name"]), ["xmr-eu1.nanopool.org", "gulf.moneroocean.stream"]);
  const [proxy, azfw] = events;
  assert.equal(proxy!["cloud.account.id"], "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  assert.equal(proxy!["minerhunt.azure.resource_group"], "RG-HUB");
  assert.equal(proxy!["observer.name"], "FW-HUB");
  assert.equal(proxy!["minerhunt.azure.dns.response_flags"], "qr,rd,ra");
  assert.equal(azfw!["event.dataset"], "azure.firewall_dns");
  assert.equal(azfw!["source.ip"], "10.1.2.5");
  assert.equal(azfw!["source.port"], 40001);
  assert.equal(azfw!["dns.id"], 9);
  assert.equal(azfw!["event.duration"], 4200000);
  assert.equal(azfw!["error.message"], undefined, "an empty ErrorMessage is no error");
  const lines = text.split("\n");
  assert.equal(lines[(azfw!["minerhunt.line"] as number) - 1], "    {", "each record keeps the line it starts on");
});

test("Log Analytics rows: AzureDiagnostics msg_s, AZFWDnsQuery, DNSQueryLogs with answers, and the query API's tables", async () => {
  const rows = [
    { TenantId: "t", TimeGenerated: "2026-11-20T03:14:07Z", Category: "AzureFirewallDnsProxy", OperationName: "AzureFirewallDnsProxyLog",
      msg_s: "DNS Request: 10.1.2.4:52114 - 4421 A IN pool.supportxmr.com. udp 38 false 512 NOERROR qr,rd,ra 94 0.00131s",
      ResourceId: FW_ID, SubscriptionId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", ResourceGroup: "RG-HUB", Type: "AzureDiagnostics" },
    { TimeGenerated: "2026-11-20T03:15:00Z", SourceIp: "10.1.2.6", SourcePort: 5000, QueryName: "www.example.org.", QueryType: "A", ResponseCode: "NOERROR",
      Protocol: "UDP", Type: "AZFWDnsQuery", _ResourceId: FW_ID.toLowerCase() },
    { TimeGenerated: "2026-11-20T03:16:00Z", OperationName: "DNSQueryLogs", Region: "westeurope", QueryName: "alias.example.net.", QueryType: "A", QueryClass: "IN",
      SourceIpAddress: "10.2.0.9", SourcePort: 61000, Transport: "UDP", ResponseCode: "NOERROR", ResolverPolicyRuleAction: "Allow",
      Answer: ["alias.example.net. 60 IN CNAME xmr.2miners.com.", "xmr.2miners.com. 60 IN A 51.89.96.41"], Type: "DNSQueryLogs" },
  ];
  const a = await parseWith(azureDnsSource, JSON.stringify(rows), "query.json");
  assert.deepEqual(a.issues, []);
  assert.deepEqual(a.events.map((e) => e["event.dataset"]), ["azure.firewall_dns", "azure.firewall_dns", "azure.dns_query_logs"]);
  const q = a.events[2]!;
  assert.deepEqual(q["dns.resolved_ip"], ["51.89.96.41"]);
  assert.deepEqual(q["dns.answers.data"], ["xmr.2miners.com", "51.89.96.41"]);
  assert.equal(q["event.action"], "allow");
  assert.equal(q["cloud.region"], "westeurope");
  assert.equal(a.events[1]!["cloud.account.id"], "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

  const api = { tables: [{ name: "PrimaryResult", columns: [{ name: "TimeGenerated", type: "datetime" }, { name: "SourceIp", type: "string" },
    { name: "QueryName", type: "string" }, { name: "QueryType", type: "string" }, { name: "Type", type: "string" }],
  rows: [["2026-11-20T03:15:00Z", "10.1.2.7", "monerohash.com.", "A", "AZFWDnsQuery"], ["2026-11-20T03:15:01Z", "10.1.2.7", "example.com.", "A", "AZFWDnsQuery"]] }] };
  const b = await parseWith(azureDnsSource, JSON.stringify(api), "api.json");
  assert.deepEqual(b.events.map((e) => [e["source.ip"], e["dns.question.name"]]), [["10.1.2.7", "monerohash.com"], ["10.1.2.7", "example.com"]]);

  const pf: Prefilter = { domain: (n) => /(supportxmr|2miners|monerohash)\.com$/.test(n), ip: () => false, port: () => false, text: () => true };
  const c = await parseWith(azureDnsSource, JSON.stringify(rows), "query.json", pf);
  assert.deepEqual(c.events.map((e) => e["dns.question.name"]), ["pool.supportxmr.com", "alias.example.net"], "a CNAME to a pool keeps the record");
  assert.equal(c.skipped, 1);
});

test("a record of no known kind is reported with its line; other sources' JSON is not claimed", async () => {
  const text = `${JSON.stringify({ category: "AzureFirewallDnsProxy", time: "2026-11-20T03:14:07Z", properties: { msg: "DNS Request: 10.0.0.4:1 - 1 A IN a.example. udp 1 false 512 NOERROR - 0 0.1s" } })}\n{"hello":"world"}\n`;
  const { events, issues } = await parseWith(azureDnsSource, text, "x.json");
  assert.equal(events.length, 1);
  assert.deepEqual(issues.map((i) => i.line), [2]);
  assert.notEqual(await sniffedId('{"Records":[{"eventName":"RunInstances","eventSource":"ec2.amazonaws.com","eventTime":"2026-11-20T03:14:07Z"}]}'), "azure.dns");
});

test("DNS Analytics (DnsEvents) lookups: client, answers, result code by name; other subtypes pass quietly", async () => {
  const rows = [
    { TimeGenerated: "2026-11-20T03:14:07Z", Computer: "dc01.corp.example", EventId: 256, SubType: "LookupQuery", Name: "xmr-eu1.nanopool.org",
      QueryType: "A", ClientIP: "10.3.0.15", IPAddresses: "51.15.65.182, 51.15.58.224", Result: "Success", ResultCode: 0, Type: "DnsEvents" },
    { TimeGenerated: "2026-11-20T03:14:08Z", Computer: "dc01.corp.example", SubType: "LookupQuery", Name: "nope.example", QueryType: "A",
      ClientIP: "10.3.0.15", IPAddresses: "", Result: "Failure", ResultCode: 3, Type: "DnsEvents" },
    { TimeGenerated: "2026-11-20T03:15:00Z", Computer: "dc01.corp.example", SubType: "Dynamic Registration", Name: "ws-17.corp.example",
      ClientIP: "10.3.0.17", IPAddresses: "10.3.0.17", Type: "DnsEvents" },
  ];
  const text = JSON.stringify(rows);
  assert.equal(await sniffedId(text), "azure.dns");
  const { events, issues } = await parseWith(azureDnsSource, text, "dnsevents.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  const [hit, miss] = events;
  assert.equal(hit!["event.dataset"], "azure.dns_analytics");
  assert.equal(hit!["dns.question.name"], "xmr-eu1.nanopool.org");
  assert.equal(hit!["source.ip"], "10.3.0.15");
  assert.deepEqual(hit!["dns.resolved_ip"], ["51.15.65.182", "51.15.58.224"]);
  assert.equal(hit!["dns.response_code"], "NOERROR");
  assert.equal(hit!["observer.name"], "dc01.corp.example", "Computer is the DNS server, not the client");
  assert.equal(hit!["host.name"], undefined);
  assert.equal(miss!["dns.response_code"], "NXDOMAIN");
});
