import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrefilter } from "./prefilter.js";
import { testIntel } from "../test-helpers/index.js";

test("the prefilter keeps what detectors need and lets plain traffic go", () => {
  const p = buildPrefilter(testIntel());
  assert.equal(p.domain("xmr-eu1.nanopool.org"), true);
  assert.equal(p.domain("pool.example-miners.net"), true, "PB-31 label hint pool. keeps the record for the weak hint");
  assert.equal(p.domain("0.debian.pool.ntp.org"), false);
  assert.equal(p.domain("www.example.com"), false);
  assert.equal(p.port(3333), true);
  assert.equal(p.port(443), false);
  assert.equal(p.ip("10.1.2.3"), false);
  p.learnIp("141.94.96.144");
  assert.equal(p.ip("141.94.96.144"), true, "an address a pool name resolved to is learned");
  assert.equal(p.text('{"process":{"name":"bash","command_line":"ls -la"}}'), false);
  assert.equal(p.text('{"process":{"name":"XMRig"}}'), true);
  assert.equal(p.text('{"process":{"command_line":"/usr/bin/sysmon -o pool.supportxmr.com:443 -u 4AbC"}}'), true, "a renamed miner still names its pool");
  assert.equal(p.text('{"process":{"command_line":"./agent --server 203.0.113.9:14444"}}'), true, "pool port in a command line");
});
