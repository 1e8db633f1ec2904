import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Prefilter } from "../../types.js";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../../test-helpers/index.js";
import { allSources, chooseSource } from "../../index.js";
import { openBuffer } from "../../input.js";
import { route53ResolverSource } from "./route53-resolver.js";

// Records as Resolver query logging writes them to S3 (compact JSON, one per line, version 1.100000,
// the field order of the AWS documentation's example); the values are ours.
const poolQuery = '{"version":"1.100000","account_id":"111122223333","region":"eu-west-1","vpc_id":"vpc-0a1b2c3d","query_timestamp":"2026-11-20T03:14:07Z","query_name":"GULF.moneroocean.stream.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"gulf-lb.moneroocean.stream.","Type":"CNAME","Class":"IN"},{"Rdata":"18.210.126.40","Type":"A","Class":"IN"},{"Rdata":"2001:db8::40","Type":"AAAA","Class":"IN"}],"srcaddr":"10.0.1.23","srcport":"41873","transport":"UDP","srcids":{"instance":"i-0abc1234def567890"}}';
const benign = '{"version":"1.100000","account_id":"111122223333","region":"eu-west-1","vpc_id":"vpc-0a1b2c3d","query_timestamp":"2026-11-20T03:14:08Z","query_name":"s3.eu-west-1.amazonaws.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"52.218.0.10","Type":"A","Class":"IN"}],"srcaddr":"10.0.1.23","srcport":"41874","transport":"UDP","srcids":{"instance":"i-0abc1234def567890"}}';
const aliasToPool = '{"version":"1.100000","account_id":"111122223333","region":"eu-west-1","vpc_id":"vpc-0a1b2c3d","query_timestamp":"2026-11-20T03:14:09Z","query_name":"innocent.example.net.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"pool.supportxmr.com.","Type":"CNAME","Class":"IN"},{"Rdata":"141.94.96.144","Type":"A","Class":"IN"}],"srcaddr":"10.0.1.23","srcport":"41875","transport":"UDP","srcids":{"instance":"i-0abc1234def567890"}}';
const fromEndpoint = '{"version":"1.100000","account_id":"111122223333","region":"eu-west-1","vpc_id":"vpc-0a1b2c3d","query_timestamp":"2026-11-20T03:15:00Z","query_name":"xmr.nanopool.org.","query_type":"AAAA","query_class":"IN","rcode":"NXDOMAIN","answers":[],"srcaddr":"192.168.10.5","srcport":"5353","transport":"TCP","srcids":{"resolver_endpoint":"rslvr-in-0123456789abcdef0","resolver_network_interface":"rni-0123456789abcdef0"}}';

test("the AWS documentation's record (pretty-printed, DNS Firewall BLOCK) maps to a DNS event", async (t) => {
  const file = sharedFixture(t, "route53-resolver/awsdocs-route53-resolver-query-log-example-firewall-block.json");
  if (!file) return;
  const { sample } = await openBuffer(file, readFileSync(file));
  assert.equal(chooseSource(sample, allSources).source?.id, "aws.route53_resolver", "sniffed among all sources");
  const { events, issues } = await parseFileWith(route53ResolverSource, file);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "aws.route53_resolver");
  assert.deepEqual(e["event.category"], ["network", "dns"]);
  assert.equal(e["@timestamp"], "2021-02-04T17:51:55.000Z");
  assert.equal(e["dns.question.name"], "15.3.4.32.in-addr.arpa");
  assert.equal(e["dns.question.type"], "PTR");
  assert.equal(e["dns.question.class"], "IN");
  assert.equal(e["dns.response_code"], "NOERROR");
  assert.deepEqual(e["dns.answers.data"], ["203.0.113.9"]);
  assert.deepEqual(e["dns.answers.type"], ["PTR"]);
  assert.equal(e["dns.resolved_ip"], undefined, "a PTR answer is not a resolved address");
  assert.equal(e["source.ip"], "4.5.64.102");
  assert.equal(e["source.port"], 56067, "srcport is a string in the log");
  assert.equal(e["network.transport"], "udp");
  assert.equal(e["cloud.provider"], "aws");
  assert.equal(e["cloud.account.id"], "111122223333");
  assert.equal(e["cloud.region"], "us-east-1");
  assert.equal(e["cloud.instance.id"], "i-0d15cd0d3example");
  assert.equal(e["minerhunt.route53.vpc_id"], "vpc-7example");
  assert.equal(e["event.action"], "block");
  assert.equal(e["minerhunt.route53.firewall_rule_group_id"], "rslvr-frg-01234567890abcdef");
  assert.equal(e["minerhunt.line"], 1);
});

test("S3 delivery (NDJSON, gzipped): name lower case without the dot, A/AAAA answers resolved, CNAME kept", async () => {
  const data = gzipSync([poolQuery, benign, fromEndpoint].join("\n") + "\n");
  const { events, issues } = await parseWith(route53ResolverSource, data, "111122223333_vpcdnsquerylogs_eu-west-1_20261120T0315Z_1a2b.log.gz");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3);
  const [pool, , endpoint] = events;
  assert.equal(pool!["dns.question.name"], "gulf.moneroocean.stream");
  assert.deepEqual(pool!["dns.resolved_ip"], ["18.210.126.40", "2001:db8::40"]);
  assert.deepEqual(pool!["dns.answers.data"], ["gulf-lb.moneroocean.stream", "18.210.126.40", "2001:db8::40"]);
  assert.deepEqual(pool!["dns.answers.type"], ["CNAME", "A", "AAAA"]);
  assert.equal(pool!["cloud.instance.id"], "i-0abc1234def567890");
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [1, 2, 3]);
  assert.equal(endpoint!["cloud.instance.id"], undefined, "a query through an inbound endpoint names no instance");
  assert.equal(endpoint!["minerhunt.route53.resolver_endpoint"], "rslvr-in-0123456789abcdef0");
  assert.equal(endpoint!["dns.response_code"], "NXDOMAIN");
  assert.equal(endpoint!["network.transport"], "tcp");
});

test("CloudWatch Logs export lines (time prefix) and filter-log-events JSON are read too", async () => {
  const exported = `2026-11-20T03:14:07.000Z ${poolQuery}\n2026-11-20T03:14:08.000Z ${benign}\n`;
  assert.ok(await sniffWith(route53ResolverSource, exported) >= 0.9);
  const a = await parseWith(route53ResolverSource, exported, "000000.gz");
  assert.deepEqual(a.issues, []);
  assert.deepEqual(a.events.map((e) => e["dns.question.name"]), ["gulf.moneroocean.stream", "s3.eu-west-1.amazonaws.com"]);

  const filtered = JSON.stringify({
    events: [
      { logStreamName: "vpc-0a1b2c3d_i-0abc1234def567890", timestamp: 1795144447000, message: poolQuery, ingestionTime: 1795144450000, eventId: "1" },
      { logStreamName: "vpc-0a1b2c3d_i-0abc1234def567890", timestamp: 1795144448000, message: fromEndpoint, ingestionTime: 1795144450000, eventId: "2" },
    ],
    searchedLogStreams: [],
  }, null, 2);
  assert.ok(await sniffWith(route53ResolverSource, filtered) >= 0.9, "keys inside escaped messages are recognised");
  const b = await parseWith(route53ResolverSource, filtered, "filter-log-events.json");
  assert.deepEqual(b.issues, []);
  assert.deepEqual(b.events.map((e) => e["dns.question.name"]), ["gulf.moneroocean.stream", "xmr.nanopool.org"]);
  assert.deepEqual(b.events.map((e) => e["minerhunt.line"]), [3, 10], "each log event's line in the pretty-printed output");
});

test("bad records are reported with file line and the rest is read", async () => {
  const text = [poolQuery, '{"version":"1.100000","query_name":', '{"some":"other json"}', benign].join("\n");
  const { events, issues } = await parseWith(route53ResolverSource, text, "bad.log");
  assert.equal(events.length, 2);
  assert.deepEqual(issues.map((i) => i.line), [2, 3]);
  assert.match(issues[0]!.message, /not valid JSON/);
  assert.match(issues[1]!.message, /not a Route 53 Resolver query log record/);
});

test("a cut first record does not hide the lines after it; objects run together on one line (Firehose) are split", async () => {
  const text = `{"version":"1.100000","query_name":\n${poolQuery}\n${benign}${fromEndpoint}\n`;
  const { events, issues } = await parseWith(route53ResolverSource, text, "firehose.log");
  assert.deepEqual(events.map((e) => [e["minerhunt.line"], e["dns.question.name"]]),
    [[2, "gulf.moneroocean.stream"], [3, "s3.eu-west-1.amazonaws.com"], [3, "xmr.nanopool.org"]]);
  assert.deepEqual(issues.map((i) => i.line), [1]);
});

test("prefilter: names that cannot matter are skipped before parsing; a CNAME to a pool is kept", async () => {
  const pf: Prefilter = {
    domain: (n) => /(^|\.)(moneroocean\.stream|supportxmr\.com|nanopool\.org)$/.test(n),
    ip: () => false,
    port: () => false,
    text: () => true,
  };
  const text = [poolQuery, benign, aliasToPool, fromEndpoint].join("\n") + "\n";
  const { events, skipped } = await parseWith(route53ResolverSource, text, "q.log", pf);
  assert.deepEqual(events.map((e) => e["dns.question.name"]), ["gulf.moneroocean.stream", "innocent.example.net", "xmr.nanopool.org"]);
  assert.equal(skipped, 1);
  const withAnswers = await parseWith(route53ResolverSource, text, "q.log", { ...pf, answer: (ip) => ip === "52.218.0.10" });
  assert.equal(withAnswers.events.length, 4, "with IP intel a listed answer keeps the record");
});

test("sniffing: Resolver logs are claimed; VPC flow logs and CloudTrail are not", async () => {
  assert.ok(await sniffWith(route53ResolverSource, poolQuery + "\n") >= 0.9);
  assert.equal(await sniffWith(route53ResolverSource, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"), 0);
  assert.equal(await sniffWith(route53ResolverSource, '{"Records":[{"eventName":"RunInstances","eventSource":"ec2.amazonaws.com"}]}'), 0);
});
