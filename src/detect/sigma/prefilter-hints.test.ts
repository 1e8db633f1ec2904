import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { allSources } from "../../sources/index.js";
import { loadRules } from "./index.js";
import { declaredDatasets } from "./declared-routes.js";
import { rawTextPiece, sigmaPrefilterHints } from "./prefilter-hints.js";
import { REPO_ROOT, sharedFixture } from "../../test-helpers/index.js";

const declarations = declaredDatasets(allSources);

test("the PB-31 pack lets DNS and flow records be skipped on names and ports it lists", async () => {
  const { rules } = await loadRules([join(REPO_ROOT, "rules")]);
  const h = sigmaPrefilterHints(rules, declarations);
  const dns = h.get("zeek.dns")!;
  assert.ok(dns.names?.includes("supportxmr.com"), "pool domains from the DNS rules");
  assert.ok(dns.names?.includes("pool."), "PB-31 label prefixes");
  assert.deepEqual([...(h.get("zeek.conn")!.ports ?? [])].sort((a, b) => a - b), [3333, 4444, 5555, 14444]);
  const process = h.get("endpoint.events.process")!.text;
  assert.ok(process !== null && process !== undefined && process.length > 0);
  assert.equal(h.has("aws.cloudtrail"), false, "a source that declares no checks gets no hints");
});

test("a rule set with rules that need no literal turns skipping off for their datasets (never hides a match)", async (t) => {
  const dir = sharedFixture(t, "sigmahq/rules/network");
  if (!dir) return;
  const { rules } = await loadRules([dir]);
  const h = sigmaPrefilterHints(rules, declarations);
  const conn = h.get("zeek.conn")!;
  assert.equal(conn.ips === null || conn.ports === null, true);
});

test("the raw-text keyword of a literal is its longest piece no JSON escape can split", () => {
  assert.equal(rawTextPiece("xmrig"), "xmrig");
  assert.equal(rawTextPiece("c:\\users\\public\\xmrig.exe"), "xmrig.exe");
  assert.equal(rawTextPiece("/tmp/.x/kdevtmpfsi"), "kdevtmpfsi");
  assert.equal(rawTextPiece("say \"hi\""), "say ");
  assert.equal(rawTextPiece("ไทย"), "");
  assert.equal(rawTextPiece("\\"), "");
});

test("needs worked out one dataset at a time are those worked out all at once, in the same order", async () => {
  const { rules } = await loadRules([join(REPO_ROOT, "rules")]);
  const all = [...sigmaPrefilterHints(rules, declarations)];
  assert.ok(all.length > 10, "datasets with checks");
  assert.ok(all.every(([, needs]) => Object.keys(needs).length > 0), "no placeholder is handed out");
  const oneByOne = sigmaPrefilterHints(rules, declarations);
  assert.equal(oneByOne.size, all.length);
  for (const [dataset, needs] of [...all].reverse()) assert.deepEqual(oneByOne.get(dataset), needs, dataset);
  assert.deepEqual([...oneByOne.keys()], all.map(([dataset]) => dataset));
  assert.deepEqual([...oneByOne], all);
  assert.equal(oneByOne.get("not-a-dataset"), undefined);
});
