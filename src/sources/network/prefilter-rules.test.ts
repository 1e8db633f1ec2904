import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrefilter } from "../../detect/prefilter.js";
import { declaredDatasets, defaultRuleDirs, loadRules, sigmaPrefilterHints } from "../../detect/sigma/index.js";
import { loadIntel } from "../../intel/index.js";
import { testIntel } from "../../test-helpers/index.js";
import { allSources } from "../index.js";
import { nameBytesMatter, nameMatters } from "./prefilter-rules.js";

/** Names around every way a name can matter: lists, allowlist, PB-31 hints, the rules' literals, case, dots. */
function trickyNames(): string[] {
  const intel = testIntel();
  const base = [
    ...intel.curatedPoolDomains, ...intel.poolLabelHints.map((h) => `${h}example.net`),
    "pool.ntp.org", "0.pool.ntp.org", "2.debian.pool.ntp.org", "pool.sks-keyservers.net", "pool.ubuntu.com", "mining.com", "www.mining.com",
    "xmr.example-news.com", "notnanopool.org", "nanopool.org.example.com", "db.pool.internal.example.com", "a.onion", "onion.example",
    "www.example.com", "cdn15.stark1096.dev", "edge12.cdn-3.net", "x", "", ".", "..", "a..b", "pool.", "pool", "xmr.", ".com",
    "stratum.braiins.com", "atum.braiins.com", "gulf.moneroocean.stream", "moneroocean.stream", "neroocean.stream.example",
    `${"a".repeat(60)}.nanopool.org`, `${"b".repeat(300)}.example.com`, "time.google.com", "donate.v2.xmrig.com", "xmrig.com",
  ];
  const out: string[] = [];
  for (const n of base) out.push(n, n.toUpperCase(), `${n}.`, `x${n}`, `${n}x`, n.replace(/\./g, ".."));
  return out;
}

test("a name's bytes are judged as its text is: the byte path says no only where nameMatters does", async () => {
  const { rules } = await loadRules(defaultRuleDirs());
  const packNeeds = sigmaPrefilterHints(rules, declaredDatasets(allSources)).get("zeek.dns");
  assert.ok(packNeeds?.names && packNeeds.names.length > 10, "the PB-31 pack routes name literals to Zeek DNS");
  const intelWithAllow = loadIntel({ importDirs: [], allowDomains: ["corp.example", "onion.example"] });
  const prefilters = [
    buildPrefilter(testIntel()),
    buildPrefilter(testIntel(), packNeeds),
    buildPrefilter(testIntel(), { names: ["onion", "pool.", ".ntp.org"] }),
    buildPrefilter(intelWithAllow, { names: ["onion"] }),
    buildPrefilter(testIntel(), { names: null }),
  ];
  let answeredFromBytes = 0;
  for (const pf of prefilters) {
    for (const round of ["first sight", "seen before"]) {
      for (const name of trickyNames()) {
        // As a fast path sees it: a span inside a raw line, not a buffer of its own.
        const line = Buffer.from(`{"query":"${name}","qtype":1}`, "latin1");
        const fromBytes = pf.domainBytes?.(line, 10, 10 + name.length);
        const judged = nameMatters(pf, name);
        assert.equal(nameBytesMatter(pf, line, 10, 10 + name.length), judged, `${round}: ${JSON.stringify(name)}`);
        if (fromBytes !== undefined) {
          answeredFromBytes++;
          assert.equal(fromBytes, judged, `${round}: bytes said ${fromBytes} to ${JSON.stringify(name)}`);
        }
      }
    }
  }
  assert.ok(answeredFromBytes > 100, "plain names are answered from their bytes");
  // A name under a PB-31 hint is answered from its bytes once domain() has judged it, in any case and with a final dot.
  const pack = prefilters[1]!;
  const ntp = Buffer.from("POOL.NTP.ORG.", "latin1");
  assert.equal(nameMatters(pack, "pool.ntp.org"), false);
  assert.equal(pack.domainBytes?.(ntp, 0, ntp.length), false);
  const miners = Buffer.from("pool.example-miners.net", "latin1");
  assert.equal(nameMatters(pack, "pool.example-miners.net"), true);
  assert.equal(pack.domainBytes?.(miners, 0, miners.length), true);
  assert.equal(buildPrefilter(testIntel(), { names: null }).domainBytes?.(Buffer.from("www.example.com"), 0, 15), undefined, "keep-everything needs are never answered from bytes");
});
