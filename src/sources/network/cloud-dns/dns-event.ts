/**
 * What the cloud DNS sources (Route 53 Resolver, Google Cloud DNS, Azure Firewall DNS proxy) share:
 * the DNS event every one of them builds (docs/events.md "DNS"), answers split into addresses and
 * names, and one rule for when a prefilter lets a record be skipped.
 */
import type { Event } from "../../../model/index.js";
import type { Prefilter } from "../../types.js";
import { CATEGORY_DNS, baseEvent, isIpAddress, normalizeDomain, put } from "../common.js";
import { answersMatter, nameMatters } from "../prefilter-rules.js";

/** Answers kept per record: a real answer has a handful; a record with thousands is hostile. */
export const MAX_ANSWERS = 64;

export interface DnsAnswer {
  /** The answer's data as logged (an address, a name, text). */
  data: string;
  /** Its RR type when the log names it ("A", "CNAME"), upper case. */
  type?: string;
}

export interface DnsOrigin {
  path: string;
  line: number;
  format: string;
}

/** A DNS event with provenance, dataset and the cloud provider. */
export function cloudDnsEvent(origin: DnsOrigin, dataset: string, provider: "aws" | "gcp" | "azure"): Event {
  const ev = baseEvent(origin.path, origin.format, dataset, CATEGORY_DNS);
  ev["minerhunt.line"] = origin.line;
  ev["cloud.provider"] = provider;
  return ev;
}

/** dns.question.name as the contract wants it (lower case, no trailing dot). */
export function putQuestion(ev: Event, name: string | undefined, type: string | undefined, klass?: string): void {
  if (name !== undefined && name !== "") put(ev, "dns.question.name", normalizeDomain(name));
  put(ev, "dns.question.type", type);
  put(ev, "dns.question.class", klass);
}

/**
 * dns.answers.data (every answer, CNAME targets included, names without the trailing dot),
 * dns.answers.type (parallel to data when types are known) and dns.resolved_ip (the A/AAAA
 * addresses; an answer of unknown type counts when it is an address).
 */
export function putAnswers(ev: Event, answers: readonly DnsAnswer[]): void {
  const data: string[] = [];
  const types: string[] = [];
  const ips: string[] = [];
  let typed = true;
  for (const a of answers.slice(0, MAX_ANSWERS)) {
    const type = a.type?.toUpperCase();
    const isAddress = type === "A" || type === "AAAA" || (type === undefined && isIpAddress(a.data));
    if (isAddress && isIpAddress(a.data)) ips.push(a.data);
    data.push(isAddress ? a.data : a.data.endsWith(".") ? a.data.slice(0, -1) : a.data);
    if (type === undefined) typed = false;
    else types.push(type);
  }
  put(ev, "dns.answers.data", data);
  if (typed) put(ev, "dns.answers.type", types);
  put(ev, "dns.resolved_ip", ips);
  ev["dns.type"] = "answer";
}

/**
 * A cloud DNS record matters when its name could, when one of its answers is an address the
 * prefilter wants, or when an answer names another host that could (a CNAME to a pool).
 */
export function dnsRecordMatters(pf: Prefilter, name: string | undefined, answers: readonly DnsAnswer[]): boolean {
  if (name === undefined || name === "") return true;
  if (nameMatters(pf, name)) return true;
  const list = answers.slice(0, MAX_ANSWERS);
  if (answersMatter(pf, list.filter((a) => isIpAddress(a.data)).map((a) => a.data))) return true;
  return list.some((a) => !isIpAddress(a.data) && a.data.includes(".") && nameMatters(pf, a.data));
}
