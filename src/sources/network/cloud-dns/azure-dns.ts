/**
 * Azure DNS logs: Azure Firewall DNS proxy logs (legacy `AzureFirewallDnsProxy` text records and the
 * resource-specific `AZFWDnsQuery` table), DNS security policy query logs (`DNSQueryLogs`) and DNS
 * Analytics lookups (`DnsEvents`), as
 * diagnostic settings write them to a storage account or Event Hub (`{"records":[...]}`), one JSON
 * record per line, or as Log Analytics returns them (an array of rows, or the query API's
 * `{"tables":[{"columns":[...],"rows":[[...]]}]}`). See azure-dns-record.ts for the fields.
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../../types.js";
import { anyOf } from "../../cloud/sniff-json.js";
import { asObject, getString } from "../common.js";
import { dnsRecordMatters } from "./dns-event.js";
import { AZURE_DNS_ANALYTICS_DATASET, AZURE_DNS_QUERY_LOGS_DATASET, AZURE_FIREWALL_DNS_DATASET, azureAnswers, azureDnsEvent, azureDnsKind, azureQueryName } from "./azure-dns-record.js";
import { readJsonRecords } from "./json-records.js";

export const AZURE_DNS_FORMAT = "azure.dns";
/** Rows taken from one Log Analytics table: a response is bounded by the document limit anyway. */
const MAX_TABLE_ROWS = 1_000_000;

/** Log Analytics query API output to row objects; anything else unchanged. */
function* rowsOf(rec: Record<string, unknown>): Generator<Record<string, unknown>> {
  const tables = rec.tables;
  if (!Array.isArray(tables)) { yield rec; return; }
  for (const table of tables) {
    const t = asObject(table);
    const columns = Array.isArray(t?.columns) ? t.columns.map((c) => getString(asObject(c), "name") ?? getString(asObject(c), "ColumnName") ?? "") : [];
    const rows = Array.isArray(t?.rows) ? t.rows : [];
    for (const row of rows.slice(0, MAX_TABLE_ROWS)) {
      if (!Array.isArray(row)) continue;
      const o: Record<string, unknown> = {};
      columns.forEach((name, i) => { if (name !== "") o[name] = row[i]; });
      yield o;
    }
  }
}

async function* parseAzureDns(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const pf = ctx.prefilter;
  const what = "an Azure Firewall DNS proxy or DNS query log record";
  for await (const { rec: top, line } of readJsonRecords(input, ctx, { what, wrappers: ["records", "value"] })) {
    for (const rec of rowsOf(top)) {
      const kind = azureDnsKind(rec);
      if (kind === "not-a-lookup") continue; // DNS Analytics registrations and configuration events
      if (!kind) {
        // Other firewall categories (network and application rules) share the same exports: not DNS, not an error.
        const category = getString(rec, "category") ?? getString(rec, "Category") ?? getString(rec, "Type");
        if (category === undefined) ctx.issue(line, `not ${what}: no category, msg or QueryName`);
        continue;
      }
      if (pf && !dnsRecordMatters(pf, azureQueryName(rec, kind), azureAnswers(rec, kind))) { ctx.skipped(); continue; }
      yield azureDnsEvent(rec, kind, { path: input.path, line, format: AZURE_DNS_FORMAT });
    }
  }
}

/** What every verdict of sniff() needs: a log's category or table name, or a DNS proxy message. */
const MAY_BE_AZURE_DNS = anyOf('"AzureFirewallDnsProxy"', '"AZFWDnsQuery"', '"DNSQueryLogs"', '"DnsEvents"', '"DNS Request: ');

function sniff(sample: Sample): number {
  const t = sample.text.replace(/^\uFEFF/, "").trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return 0;
  if (!MAY_BE_AZURE_DNS(t)) return 0;
  if (t.includes('"AzureFirewallDnsProxy"') || t.includes('"AZFWDnsQuery"') || t.includes('"DNSQueryLogs"')) return 0.95;
  if (t.includes('"DnsEvents"') && t.includes('"ClientIP"')) return 0.95;
  if (t.includes('"DNS Request: ')) return 0.9;
  return 0;
}

export const azureDnsSource: Source = {
  id: AZURE_DNS_FORMAT,
  title: "Azure DNS logs: Azure Firewall DNS proxy (AzureFirewallDnsProxy, AZFWDnsQuery), DNS security policy query logs (DNSQueryLogs), DNS Analytics (DnsEvents)",
  emits: [
    { dataset: AZURE_FIREWALL_DNS_DATASET, categories: ["network", "dns"], sigma: ["dns_query", "dns", "azure/firewall_dns"], prefilter: ["domain"] },
    { dataset: AZURE_DNS_QUERY_LOGS_DATASET, categories: ["network", "dns"], sigma: ["dns_query", "dns", "azure/dns_query_logs"], prefilter: ["domain", "answer"] },
    { dataset: AZURE_DNS_ANALYTICS_DATASET, categories: ["network", "dns"], sigma: ["dns_query", "dns", "azure/dns_analytics"], prefilter: ["domain", "answer"] },
  ],
  sniff: (sample) => { try { return sniff(sample); } catch { return 0; } },
  parse: (input, ctx) => parseAzureDns(input, ctx),
};
