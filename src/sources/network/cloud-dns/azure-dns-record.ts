/**
 * Azure DNS logs to DNS events. Three record shapes, as Azure Monitor documents them:
 *
 *  1. Azure Firewall DNS proxy, legacy diagnostic category `AzureFirewallDnsProxy`: the facts are in
 *     one text, `properties.msg` (storage / Event Hub JSON) or `msg_s` (the AzureDiagnostics table):
 *       "DNS Request: 10.0.0.4:48197 - 15676 A IN pool.example. udp 55 false 512 NOERROR qr,rd,ra 94 0.0013s"
 *       (client:port, query id, type, class, name, protocol, request size, DO bit, EDNS0 buffer size,
 *       rcode, response flags, response size, duration) or " Error: 2 name. A: <message>".
 *  2. The resource-specific table `AZFWDnsQuery`: SourceIp, SourcePort, QueryId, QueryType, QueryClass,
 *     QueryName, Protocol, RequestSize, DnssecOkBit, EDNS0BufferSize, ResponseCode, ResponseFlags,
 *     ResponseSize, RequestDurationSecs, ErrorNumber, ErrorMessage (top level in Log Analytics rows,
 *     under `properties` in diagnostic exports).
 *  3. DNS security policy / Private Resolver query logs, table `DNSQueryLogs`: QueryName, QueryType,
 *     QueryClass, SourceIpAddress, SourcePort, ResponseCode, Answer (array), ResolverPolicyRuleAction.
 *     No public sample was found; read from the documented column names only.
 *  4. DNS Analytics (`DnsEvents`, Windows DNS servers through the Log Analytics agent): rows of SubType
 *     "LookupQuery" with Name, QueryType, ClientIP, IPAddresses (comma-separated), ResultCode (a number),
 *     Computer (the DNS server). Other subtypes (registrations, configuration) are not lookups.
 *
 * None of them names a VM: the client is an address (source.ip), joined to a machine by other logs.
 */
import type { Event } from "../../../model/index.js";
import { asObject, getNumber, getString, isIpAddress, isoFromText, put } from "../common.js";
import { MAX_ANSWERS, cloudDnsEvent, putAnswers, putQuestion, type DnsAnswer, type DnsOrigin } from "./dns-event.js";

export const AZURE_FIREWALL_DNS_DATASET = "azure.firewall_dns";
export const AZURE_DNS_QUERY_LOGS_DATASET = "azure.dns_query_logs";
export const AZURE_DNS_ANALYTICS_DATASET = "azure.dns_analytics";

const FIREWALL_CATEGORIES = new Set(["azurefirewalldnsproxy", "azfwdnsquery"]);

/** The record's fields: under `properties` in diagnostic exports, top level in Log Analytics rows. */
function fieldsOf(rec: Record<string, unknown>): Record<string, unknown> {
  return asObject(rec.properties) ?? rec;
}

function categoryOf(rec: Record<string, unknown>): string {
  return (getString(rec, "category") ?? getString(rec, "Category") ?? getString(rec, "Type") ?? getString(rec, "type") ?? "").toLowerCase();
}

function messageOf(rec: Record<string, unknown>): string | undefined {
  return getString(asObject(rec.properties), "msg") ?? getString(rec, "msg_s") ?? getString(rec, "msg");
}

export type AzureDnsKind = "proxy-text" | "azfw" | "query-logs" | "dns-analytics" | "not-a-lookup";

/** Which Azure DNS record this is, or undefined. */
export function azureDnsKind(rec: Record<string, unknown>): AzureDnsKind | undefined {
  const category = categoryOf(rec);
  const msg = messageOf(rec);
  if (msg !== undefined && (category === "azurefirewalldnsproxy" || /^\s*(DNS Request:|Error:)/.test(msg))) return "proxy-text";
  const f = fieldsOf(rec);
  if (category === "dnsevents" || (typeof f.Name === "string" && typeof f.ClientIP === "string" && typeof f.SubType === "string")) {
    return f.SubType === undefined || f.SubType === "LookupQuery" ? "dns-analytics" : "not-a-lookup";
  }
  if (category === "dnsquerylogs" || (typeof f.QueryName === "string" && typeof f.SourceIpAddress === "string")) return "query-logs";
  if (FIREWALL_CATEGORIES.has(category) || (typeof f.QueryName === "string" && typeof f.SourceIp === "string")) return "azfw";
  return undefined;
}

/** The query name of a record (for the prefilter), without building an event. */
export function azureQueryName(rec: Record<string, unknown>, kind: AzureDnsKind): string | undefined {
  if (kind === "dns-analytics") return getString(fieldsOf(rec), "Name");
  if (kind !== "proxy-text") return getString(fieldsOf(rec), "QueryName");
  const msg = messageOf(rec);
  return msg === undefined ? undefined : parseProxyMessage(msg)?.name;
}

/** The answers a record carries (only DNS query logs have them), for the prefilter. */
export function azureAnswers(rec: Record<string, unknown>, kind: AzureDnsKind): DnsAnswer[] {
  if (kind === "dns-analytics") return analyticsAnswers(fieldsOf(rec).IPAddresses);
  return kind === "query-logs" ? queryLogAnswers(fieldsOf(rec).Answer) : [];
}

/** DnsEvents IPAddresses: "10.0.0.1, 10.0.0.2". */
function analyticsAnswers(v: unknown): DnsAnswer[] {
  if (typeof v !== "string") return [];
  return v.split(",", MAX_ANSWERS).map((a) => a.trim()).filter((a) => isIpAddress(a)).map((data) => ({ data }));
}

/** DNS RCODE numbers (RFC 1035, 6895) to the names other logs write. */
const RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

export interface ProxyMessage {
  client?: string;
  port?: number;
  id?: number;
  type?: string;
  klass?: string;
  name?: string;
  protocol?: string;
  rcode?: string;
  flags?: string;
  durationSecs?: number;
  errorNumber?: number;
  error?: string;
}

const MAX_MSG_CHARS = 2048;

/** "ip:port" or "[v6]:port". */
function splitHostPort(token: string): { host: string; port?: number } {
  const m = /^\[?([0-9A-Fa-f:.]+?)\]?:(\d{1,5})$/.exec(token);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: token };
}

/**
 * Read the DNS proxy text by its space-separated tokens (no regular expression on attacker text).
 * The separator after the client may be "-" or, as the documentation prints it, an en dash.
 */
export function parseProxyMessage(msg: string): ProxyMessage | undefined {
  const text = msg.length > MAX_MSG_CHARS ? msg.slice(0, MAX_MSG_CHARS) : msg;
  const t = text.trim().split(/\s+/);
  if (t[0] === "DNS" && t[1] === "Request:") {
    if (t.length < 8) return undefined;
    const hp = splitHostPort(t[2]!);
    const dash = t[3] === "-" || t[3] === "\u2013" || t[3] === "\u2014";
    const at = dash ? 4 : 3; // tolerate a missing separator
    const out: ProxyMessage = { client: hp.host, id: Number(t[at]), type: t[at + 1], klass: t[at + 2], name: t[at + 3], protocol: t[at + 4] };
    if (hp.port !== undefined) out.port = hp.port;
    out.rcode = t[at + 8];
    if (t[at + 9] !== undefined && t[at + 9] !== "-") out.flags = t[at + 9];
    const dur = t[at + 11];
    if (dur !== undefined) {
      const secs = Number(dur.endsWith("s") ? dur.slice(0, -1) : dur);
      if (Number.isFinite(secs)) out.durationSecs = secs;
    }
    if (!Number.isFinite(out.id)) delete out.id;
    return out;
  }
  if (t[0] === "Error:") {
    // "Error: 2 name. A: read udp 10.0.1.5:49126->168.63.129.160:53: i/o timeout"
    const out: ProxyMessage = {};
    const n = Number(t[1]);
    if (Number.isFinite(n)) out.errorNumber = n;
    if (t[2] !== undefined) out.name = t[2];
    const rest = t.slice(3).join(" "); // "A: read udp 10.0.1.5:49126->168.63.129.160:53: i/o timeout"
    const colon = rest.indexOf(": ");
    const type = colon > 0 ? rest.slice(0, colon) : t[3]?.replace(/:$/, "");
    if (type !== undefined && type !== "") out.type = type;
    out.error = (colon > 0 ? rest.slice(colon + 2) : rest).slice(0, 512);
    return out;
  }
  return undefined;
}

/** DNSQueryLogs `Answer`: an array of RR texts or objects; the addresses and names in it. */
function queryLogAnswers(v: unknown): DnsAnswer[] {
  const out: DnsAnswer[] = [];
  const list = Array.isArray(v) ? v : typeof v === "string" && v.trim().startsWith("[") ? safeParseArray(v) : [];
  for (const item of list.slice(0, MAX_ANSWERS)) {
    const text = typeof item === "string" ? item : getString(asObject(item), "Data") ?? getString(asObject(item), "data") ?? getString(asObject(item), "Rdata");
    if (text === undefined) continue;
    const parts = text.trim().split(/\s+/);
    // "name TTL IN A 10.0.0.1" or a bare value.
    if (parts.length >= 5) out.push({ data: parts.slice(4).join(" "), type: parts[3]!.toUpperCase() });
    else if (parts.length === 1 && parts[0] !== "") out.push({ data: parts[0]! });
  }
  return out;
}

function safeParseArray(text: string): unknown[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** Subscription, resource group and resource name out of an Azure resource id. */
function putResource(ev: Event, rec: Record<string, unknown>): void {
  const id = getString(rec, "resourceId") ?? getString(rec, "ResourceId") ?? getString(rec, "_ResourceId");
  if (id === undefined) return;
  const parts = id.split("/");
  const after = (key: string) => {
    const i = parts.findIndex((p) => p.toLowerCase() === key);
    return i !== -1 ? parts[i + 1] : undefined;
  };
  put(ev, "cloud.account.id", getString(rec, "SubscriptionId") ?? after("subscriptions")?.toLowerCase());
  put(ev, "minerhunt.azure.resource_group", getString(rec, "ResourceGroup") ?? after("resourcegroups"));
  put(ev, "observer.name", parts[parts.length - 1]);
  put(ev, "minerhunt.azure.resource_id", id);
}

export function azureDnsEvent(rec: Record<string, unknown>, kind: AzureDnsKind, origin: DnsOrigin): Event {
  const dataset = kind === "query-logs" ? AZURE_DNS_QUERY_LOGS_DATASET : kind === "dns-analytics" ? AZURE_DNS_ANALYTICS_DATASET : AZURE_FIREWALL_DNS_DATASET;
  const ev = cloudDnsEvent(origin, dataset, "azure");
  const f = fieldsOf(rec);
  const time = getString(rec, "time") ?? getString(rec, "TimeGenerated") ?? getString(f, "TimeGenerated") ?? getString(rec, "EventTime");
  if (time !== undefined) put(ev, "@timestamp", isoFromText(time));
  putResource(ev, rec);
  put(ev, "network.protocol", "dns");
  if (kind === "proxy-text") {
    const m = parseProxyMessage(messageOf(rec) ?? "");
    if (!m) return ev;
    putQuestion(ev, m.name, m.type, m.klass);
    if (m.client !== undefined && isIpAddress(m.client)) put(ev, "source.ip", m.client);
    put(ev, "source.port", m.port);
    put(ev, "dns.id", m.id);
    put(ev, "network.transport", m.protocol?.toLowerCase());
    put(ev, "dns.response_code", m.rcode);
    put(ev, "minerhunt.azure.dns.response_flags", m.flags);
    if (m.durationSecs !== undefined) put(ev, "event.duration", Math.round(m.durationSecs * 1e9));
    if (m.error !== undefined) put(ev, "error.message", m.error);
    put(ev, "error.code", m.errorNumber !== undefined ? String(m.errorNumber) : undefined);
    return ev;
  }
  if (kind === "dns-analytics") {
    putQuestion(ev, getString(f, "Name"), getString(f, "QueryType"));
    const client = getString(f, "ClientIP");
    if (client !== undefined && isIpAddress(client)) put(ev, "source.ip", client);
    const code = getNumber(f, "ResultCode");
    put(ev, "dns.response_code", code !== undefined ? RCODES[code] ?? String(code) : undefined);
    put(ev, "observer.name", getString(f, "Computer"));
    const answers = analyticsAnswers(f.IPAddresses);
    if (answers.length > 0) putAnswers(ev, answers);
    return ev;
  }
  putQuestion(ev, getString(f, "QueryName"), getString(f, "QueryType"), getString(f, "QueryClass"));
  const client = getString(f, "SourceIp") ?? getString(f, "SourceIpAddress");
  if (client !== undefined && isIpAddress(client)) put(ev, "source.ip", client);
  put(ev, "source.port", getNumber(f, "SourcePort"));
  put(ev, "dns.id", getNumber(f, "QueryId"));
  put(ev, "network.transport", (getString(f, "Protocol") ?? getString(f, "Transport"))?.toLowerCase());
  put(ev, "dns.response_code", getString(f, "ResponseCode"));
  put(ev, "minerhunt.azure.dns.response_flags", getString(f, "ResponseFlags"));
  const secs = getNumber(f, "RequestDurationSecs");
  if (secs !== undefined) put(ev, "event.duration", Math.round(secs * 1e9));
  put(ev, "error.message", getString(f, "ErrorMessage"));
  const action = getString(f, "ResolverPolicyRuleAction");
  if (action !== undefined) put(ev, "event.action", action.toLowerCase());
  put(ev, "cloud.region", getString(f, "Region"));
  const answers = queryLogAnswers(f.Answer);
  if (answers.length > 0) putAnswers(ev, answers);
  return ev;
}
