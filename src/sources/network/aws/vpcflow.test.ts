import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { parseWith, sniffWith } from "../../../test-helpers/index.js";
import { vpcFlowSource } from "./vpcflow.js";

const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
// Records in the default version 2 layout, as AWS's documentation shows them.
const accepted = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 185.71.66.20 49822 14444 6 20 4249 1418530010 1418530070 ACCEPT OK";
const rejected = "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK";
const nodata = "2 123456789010 eni-1a2b3c4d - - - - - - - 1431280876 1431280934 - NODATA";
const skipdata = "2 123456789010 eni-4821ed2f - - - - - - - 1431280876 1431280934 - SKIPDATA";
const udp = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917027 1432917142 ACCEPT OK";

test("default format with the S3 header: fields, protocol names and outcomes", async () => {
  const { events, issues } = await parseWith(vpcFlowSource, [HEADER, accepted, rejected, nodata, skipdata, udp].join("\n") + "\n", "flows.log");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3, "NODATA and SKIPDATA rows carry no flow");
  assert.deepEqual(events[0], {
    "log.file.path": "flows.log", "minerhunt.format": "aws.vpcflow", "event.dataset": "aws.vpcflow",
    "event.category": ["network"], "event.kind": "event", "minerhunt.line": 2, "cloud.provider": "aws",
    "@timestamp": "2014-12-14T04:06:50.000Z", "event.start": "2014-12-14T04:06:50.000Z", "event.end": "2014-12-14T04:07:50.000Z",
    "source.ip": "172.31.16.139", "destination.ip": "185.71.66.20", "source.port": 49822, "destination.port": 14444,
    "network.transport": "tcp", "network.iana_number": "6", "source.packets": 20, "source.bytes": 4249,
    "event.action": "accept", "event.outcome": "success", "cloud.account.id": "123456789010",
    "minerhunt.vpcflow.version": "2", "minerhunt.vpcflow.interface_id": "eni-1235b8ca123456789", "minerhunt.vpcflow.log_status": "OK",
  });
  assert.equal(events[1]!["event.outcome"], "failure");
  assert.equal(events[2]!["network.transport"], "icmp");
});

test("CloudWatch Logs records without a header use the default order; gzip is read too", async () => {
  const { events, issues } = await parseWith(vpcFlowSource, gzipSync(Buffer.from([accepted, udp].join("\n"))), "flows.log.gz");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["destination.ip"]), ["185.71.66.20", "203.0.113.12"]);
});

test("a custom format names its fields in the header; pkt-* addresses are the packets' own", async () => {
  const header = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status region flow-direction traffic-path";
  const behindNat = "5 vpc-0f1e2d3c subnet-0a1b2c3d i-0123456789abcdef0 eni-0aa1bb2cc3dd4ee5f 123456789010 IPv4 10.0.1.5 10.0.0.220 49822 14444 10.0.1.5 185.71.66.20 6 2687 11 1700000000 1700000060 ACCEPT 19 OK eu-central-1 egress 8";
  const { events, issues } = await parseWith(vpcFlowSource, `${header}\n${behindNat}\n`, "custom.log");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["destination.ip"], "185.71.66.20");
  assert.equal(e["minerhunt.vpcflow.dstaddr"], "10.0.0.220");
  assert.equal(e["cloud.instance.id"], "i-0123456789abcdef0");
  assert.equal(e["cloud.region"], "eu-central-1");
  assert.equal(e["network.direction"], "egress");
  assert.equal(e["network.type"], "ipv4");
  assert.equal(e["minerhunt.vpcflow.tcp_flags"], 19);
  assert.equal(e["source.bytes"], 2687);
  assert.equal(e["source.packets"], 11);
});

test("malformed records become issues with their line numbers and the scan goes on", async () => {
  const text = [HEADER, accepted, "2 123456789010 eni-1 172.31.16.139 185.71.66.20 49822", accepted.replace(" 14444 ", " port ")].join("\n") + "\n" + accepted;
  const { events, issues } = await parseWith(vpcFlowSource, text, "flows.log");
  assert.equal(events.length, 2);
  assert.deepEqual(issues.map((i) => i.line), [3, 4]);
  assert.match(issues[0]!.message, /6 fields, expected 14/);
  assert.match(issues[1]!.message, /field dstport is "port", expected a number/);
  const headless = await parseWith(vpcFlowSource, "hello world this is not a flow log\n", "x.log");
  assert.match(headless.issues[0]!.message, /no header line/);
});

test("with a prefilter, records where neither end could matter are counted, not built", async () => {
  const pf = { domain: () => false, ip: (a: string) => a === "185.71.66.20", port: (p: number) => p === 3333, text: () => false };
  const reply = "2 123456789010 eni-1235b8ca123456789 185.71.66.20 172.31.16.139 14444 49822 6 18 1750 1418530010 1418530070 ACCEPT OK";
  const { events, skipped } = await parseWith(vpcFlowSource, [HEADER, accepted, rejected, reply, udp].join("\n"), "flows.log", pf);
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [2, 4], "both directions of the pool flow are kept");
  assert.equal(skipped, 2);
});

test("sniffing: headers and default records are claimed; ps output and other text are not", async () => {
  assert.equal(await sniffWith(vpcFlowSource, `${HEADER}\n${accepted}\n`), 0.95);
  assert.equal(await sniffWith(vpcFlowSource, `${accepted}\n${nodata}\n`), 0.9);
  assert.equal(await sniffWith(vpcFlowSource, "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.1 167744 11788 ? Ss 03:00 0:02 /sbin/init\n"), 0);
  assert.equal(await sniffWith(vpcFlowSource, "PID PPID USER %CPU COMMAND\n"), 0);
  assert.equal(await sniffWith(vpcFlowSource, '{"ts":1,"uid":"C1"}\n'), 0);
});
