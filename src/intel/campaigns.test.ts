import { test } from "node:test";
import assert from "node:assert/strict";
import { loadIntel } from "./load.js";

const intel = loadIntel({ importDirs: [] });

test("every campaign names the reports it comes from", () => {
  assert.ok(intel.campaigns.length >= 9);
  for (const c of intel.campaigns) {
    assert.ok(c.references.length >= 1 && c.references.every((r) => r.length > 10), `${c.name} has references`);
    const indicators = c.processNames.length + c.dropPaths.length + c.commandFragments.length + c.domains.length + c.killTargets.length;
    assert.ok(indicators > 0, `${c.name} has indicators`);
  }
  assert.deepEqual(intel.campaigns.map((c) => c.name).filter((n) => /Outlaw|Kinsing|TeamTNT|8220|WatchDog|pwnRig|RedTail|installer|kill/i.test(n)).length, 9);
});

test("lookup of each indicator class names its campaign", () => {
  const of = (x: string) => intel.campaignsOf(x).map((c) => c.name);
  // process names (merged into campaignProcessNames)
  assert.ok(of("redtail.x86_64").includes("RedTail"));
  assert.ok(intel.campaignProcessNames.includes("redtail.arm7"));
  assert.ok(intel.campaignProcessNames.includes("pwnrig"));
  assert.ok(of("KDEVTMPFSI").includes("Kinsing (H2Miner)"), "case-insensitive");
  // drop paths (merged into dropPaths)
  assert.ok(intel.dropPaths.includes("/tmp/.x2-x-unix/"));
  assert.ok(of("/tmp/.x2-x-unix/").includes("Outlaw (Dota)"));
  // command-line fragments (merged into minerArgs, so command lines and the prefilter see them)
  assert.ok(intel.minerArgs.includes("dota3.tar.gz"));
  assert.ok(intel.minerArgs.includes("setup_c3pool_miner.sh"));
  assert.ok(of("setup_moneroocean_miner.sh")[0]!.startsWith("Miner installer abuse"));
  // domains: in the domain table with the campaign as list and label, names under them too
  const d = intel.matchDomain("dl.teamtnt.red");
  assert.equal(d?.list, "campaign:TeamTNT");
  assert.equal(d?.listed, "teamtnt.red");
  assert.ok(of("dl.teamtnt.red").includes("TeamTNT"));
  // kill-list targets and scripts
  assert.ok(intel.rivalMinerNames.includes("xmrpool.eu"));
  assert.ok(intel.rivalMinerNames.includes("wntkyg"), "lower-cased");
  assert.ok(of("minerkiller.sh").includes("Rival-miner kill lists"));
  // a pool from the issue
  assert.equal(intel.matchDomain("ltc.litecoinpool.org")?.list, "pools");
  // nothing for the innocent
  assert.deepEqual(of("nginx"), []);
  assert.deepEqual(of("example.com"), []);
  assert.ok((intel.stats().campaigns ?? 0) >= 9);
});
