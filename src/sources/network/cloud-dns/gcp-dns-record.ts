/**
 * One Google Cloud DNS query log entry (a Cloud Logging LogEntry with resource.type "dns_query",
 * log `dns.googleapis.com/dns_queries`) to a DNS event:
 *
 *   jsonPayload: {queryName "pool.example.", queryType "A", responseCode "NOERROR", protocol "UDP",
 *                 sourceIP, sourceNetwork, vmInstanceIdString, vmInstanceId (a number that loses
 *                 precision beyond 2^53), vmInstanceName "<project number>.<name>", vmProjectId,
 *                 vmZoneName, authAnswer, serverLatency, dns64Translated,
 *                 rdata "name\tttl\tIN\ttype\tdata\n..." (Google cuts long answers with "...")}
 *   resource: {type "dns_query", labels {project_id, location, source_type, target_type, target_name}}
 */
import type { Event } from "../../../model/index.js";
import { regionOfZone } from "../../cloud/gcp-resource.js";
import { asObject, getBoolean, getNumber, getString, isoFromText, put } from "../common.js";
import { MAX_ANSWERS, cloudDnsEvent, putAnswers, putQuestion, type DnsAnswer, type DnsOrigin } from "./dns-event.js";

export const GCP_DNS_DATASET = "gcp.dns";
const DNS_LOG_SUFFIXES = ["/logs/dns.googleapis.com%2Fdns_queries", "/logs/dns.googleapis.com/dns_queries"];

/** Whether a Cloud Logging entry is a Cloud DNS query log entry. */
export function isGcpDnsEntry(entry: Record<string, unknown>): boolean {
  if (getString(asObject(entry.resource), "type") === "dns_query") return true;
  const logName = getString(entry, "logName");
  return logName !== undefined && DNS_LOG_SUFFIXES.some((s) => logName.endsWith(s));
}

/**
 * The answer records of `rdata`: one per line, tab-separated owner, TTL, class, type, data. A line
 * Google cut short ("21...") is dropped rather than read as a wrong address.
 */
export function gcpRdataAnswers(rdata: string | undefined): { answers: DnsAnswer[]; truncated: boolean } {
  const answers: DnsAnswer[] = [];
  if (!rdata) return { answers, truncated: false };
  let truncated = false;
  for (const line of rdata.split("\n", MAX_ANSWERS + 1).slice(0, MAX_ANSWERS)) {
    const parts = line.split("\t");
    if (parts.length < 5) { if (line.trim() !== "") truncated ||= line.endsWith("..."); continue; }
    const data = parts.slice(4).join("\t").trim();
    if (data.endsWith("...")) { truncated = true; continue; }
    if (data !== "") answers.push({ data, type: parts[3]!.trim().toUpperCase() });
  }
  return { answers, truncated };
}

export function gcpDnsEvent(entry: Record<string, unknown>, origin: DnsOrigin): Event {
  const ev = cloudDnsEvent(origin, GCP_DNS_DATASET, "gcp");
  const p = asObject(entry.jsonPayload) ?? {};
  const ts = getString(entry, "timestamp") ?? getString(entry, "receiveTimestamp");
  if (ts !== undefined) put(ev, "@timestamp", isoFromText(ts));
  put(ev, "event.id", getString(entry, "insertId"));
  put(ev, "log.logger", getString(entry, "logName"));
  const severity = getString(entry, "severity");
  if (severity !== undefined) ev["log.level"] = severity.toLowerCase();

  putQuestion(ev, getString(p, "queryName"), getString(p, "queryType"));
  put(ev, "dns.response_code", getString(p, "responseCode"));
  const { answers, truncated } = gcpRdataAnswers(getString(p, "rdata"));
  putAnswers(ev, answers);
  if (truncated) ev["minerhunt.gcp.dns.rdata_truncated"] = true;
  put(ev, "source.ip", getString(p, "sourceIP"));
  put(ev, "network.transport", getString(p, "protocol")?.toLowerCase());
  put(ev, "network.protocol", "dns");

  const labels = asObject(asObject(entry.resource)?.labels);
  const project = getString(p, "vmProjectId") ?? getString(labels, "project_id");
  put(ev, "cloud.project.id", project);
  // The project is GCP's account-like boundary; billing and Cloud Logging events use the same field.
  put(ev, "cloud.account.id", project);
  const zone = getString(p, "vmZoneName");
  put(ev, "cloud.availability_zone", zone);
  put(ev, "cloud.region", (zone !== undefined ? regionOfZone(zone) : undefined) ?? getString(labels, "location"));
  // vmInstanceId as a JSON number has lost its last digits; the string form is exact.
  const idNumber = getNumber(p, "vmInstanceId");
  put(ev, "cloud.instance.id", getString(p, "vmInstanceIdString") ?? (idNumber !== undefined && Number.isSafeInteger(idNumber) ? String(idNumber) : undefined));
  const vmName = getString(p, "vmInstanceName");
  if (vmName !== undefined) {
    // "<project number>.<instance name>": the name alone is what hosts and other logs call the machine.
    const name = /^\d+\./.test(vmName) ? vmName.slice(vmName.indexOf(".") + 1) : vmName;
    put(ev, "cloud.instance.name", name);
    put(ev, "host.name", name);
  }
  put(ev, "minerhunt.gcp.dns.source_network", getString(p, "sourceNetwork"));
  put(ev, "minerhunt.gcp.dns.source_type", getString(labels, "source_type"));
  put(ev, "minerhunt.gcp.dns.target_type", getString(labels, "target_type"));
  put(ev, "minerhunt.gcp.dns.target_name", getString(labels, "target_name"));
  put(ev, "minerhunt.gcp.dns.auth_answer", getBoolean(p, "authAnswer"));
  put(ev, "minerhunt.gcp.dns.server_latency", getNumber(p, "serverLatency"));
  put(ev, "minerhunt.gcp.dns.egress_error", getString(p, "egressError"));
  return ev;
}
