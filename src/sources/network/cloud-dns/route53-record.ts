/**
 * One Amazon Route 53 Resolver query log record (version 1.1) to a DNS event.
 *
 *   {"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-7example",
 *    "query_timestamp":"2021-02-04T17:51:55Z","query_name":"pool.example.","query_type":"A",
 *    "query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"203.0.113.9","Type":"A","Class":"IN"}],
 *    "srcaddr":"10.0.0.5","srcport":"56067","transport":"UDP","srcids":{"instance":"i-0d15cd0d3example"},
 *    "firewall_rule_action":"BLOCK","firewall_rule_group_id":"rslvr-frg-...","firewall_domain_list_id":"rslvr-fdl-..."}
 *
 * srcids names the instance that asked, or the Resolver inbound endpoint (`resolver_endpoint`,
 * `resolver_network_interface`) when the query came from outside the VPC. srcport is a string.
 */
import type { Event } from "../../../model/index.js";
import { asObject, getNumber, getString, isoFromText, put } from "../common.js";
import { MAX_ANSWERS, cloudDnsEvent, putAnswers, putQuestion, type DnsAnswer, type DnsOrigin } from "./dns-event.js";

export const ROUTE53_FORMAT = "aws.route53_resolver";
export const ROUTE53_DATASET = "aws.route53_resolver";

/** Whether a parsed object is a Resolver query log record (the fields every version has). */
export function isRoute53Record(rec: Record<string, unknown>): boolean {
  return typeof rec.query_name === "string" && (typeof rec.query_timestamp === "string" || typeof rec.srcaddr === "string");
}

/** The answers of a record: `answers[]` of {Rdata, Type, Class}. */
export function route53Answers(rec: Record<string, unknown>): DnsAnswer[] {
  const list = rec.answers;
  if (!Array.isArray(list)) return [];
  const out: DnsAnswer[] = [];
  for (const item of list.slice(0, MAX_ANSWERS)) {
    const o = asObject(item);
    const data = getString(o, "Rdata");
    if (data === undefined || data === "") continue;
    const type = getString(o, "Type");
    out.push(type === undefined ? { data } : { data, type });
  }
  return out;
}

export function route53Event(rec: Record<string, unknown>, origin: DnsOrigin): Event {
  const ev = cloudDnsEvent(origin, ROUTE53_DATASET, "aws");
  const ts = getString(rec, "query_timestamp");
  if (ts !== undefined) put(ev, "@timestamp", isoFromText(ts));
  putQuestion(ev, getString(rec, "query_name"), getString(rec, "query_type"), getString(rec, "query_class"));
  put(ev, "dns.response_code", getString(rec, "rcode"));
  putAnswers(ev, route53Answers(rec));
  put(ev, "source.ip", getString(rec, "srcaddr"));
  put(ev, "source.port", getNumber(rec, "srcport"));
  put(ev, "network.transport", getString(rec, "transport")?.toLowerCase());
  put(ev, "network.protocol", "dns");
  put(ev, "cloud.account.id", getString(rec, "account_id"));
  put(ev, "cloud.region", getString(rec, "region"));
  const srcids = asObject(rec.srcids);
  put(ev, "cloud.instance.id", getString(srcids, "instance"));
  put(ev, "minerhunt.route53.resolver_endpoint", getString(srcids, "resolver_endpoint"));
  put(ev, "minerhunt.route53.resolver_network_interface", getString(srcids, "resolver_network_interface"));
  put(ev, "minerhunt.route53.vpc_id", getString(rec, "vpc_id"));
  put(ev, "minerhunt.route53.version", getString(rec, "version"));
  // DNS Firewall: what a rule did with the query (BLOCK, ALERT, ALLOW) and which rule.
  const action = getString(rec, "firewall_rule_action");
  if (action !== undefined) put(ev, "event.action", action.toLowerCase());
  put(ev, "minerhunt.route53.firewall_rule_group_id", getString(rec, "firewall_rule_group_id"));
  put(ev, "minerhunt.route53.firewall_domain_list_id", getString(rec, "firewall_domain_list_id"));
  put(ev, "minerhunt.route53.firewall_protection", getString(rec, "firewall_protection"));
  return ev;
}
