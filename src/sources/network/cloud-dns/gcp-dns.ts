/**
 * Google Cloud DNS query logs exported from Cloud Logging (`gcloud logging read --format=json`, a
 * Pub/Sub or storage sink: entries of log `dns.googleapis.com/dns_queries`, resource type dns_query).
 *
 * The entries are Cloud Logging entries, so the gcp.logging reader reads them (it turns dns_query
 * entries into gcp.dns events wherever they appear, mixed with audit logs too). This source only
 * claims files whose sampled entries are all DNS query logs, so `minerhunt formats` names the format,
 * `--input-format gcp.dns` works, and such files are read with the other DNS logs, before flow logs.
 */
import type { Sample, Source } from "../../types.js";
import { parseGcpLogging } from "../../cloud/gcp-logging.js";
import { GCP_DNS_DATASET } from "./gcp-dns-record.js";

export const GCP_DNS_FORMAT = "gcp.dns";

const DNS_LOG = /"logName"\s*:\s*"[^"]*\/logs\/dns\.googleapis\.com(?:%2F|\/)dns_queries"/g;
const ANY_LOG = /"logName"\s*:\s*"/g;

function sniff(sample: Sample): number {
  const t = sample.text.replace(/^\uFEFF/, "").trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return 0;
  const dns = t.match(DNS_LOG)?.length ?? 0;
  if (dns === 0) return 0;
  // Every entry in the sample a DNS query log: ours. Mixed with other logs: gcp.logging reads them all.
  return dns === (t.match(ANY_LOG)?.length ?? 0) ? 0.95 : 0;
}

export const gcpDnsSource: Source = {
  id: GCP_DNS_FORMAT,
  title: "Google Cloud DNS query logs (Cloud Logging entries of dns.googleapis.com/dns_queries)",
  emits: [{
    dataset: GCP_DNS_DATASET,
    categories: ["network", "dns"],
    sigma: ["dns_query", "dns", "gcp/dns"],
    prefilter: ["domain", "answer"],
  }],
  sniff: (sample) => { try { return sniff(sample); } catch { return 0; } },
  parse: (input, ctx) => parseGcpLogging(input, ctx, GCP_DNS_FORMAT),
};
