import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadRules } from "./index.js";
import { sigmaPrefilterHints } from "./prefilter-hints.js";
import { REPO_ROOT, sharedFixture } from "../../test-helpers/index.js";

test("the PB-31 pack lets DNS and flow records be skipped on names and ports it lists", async () => {
  const { rules } = await loadRules([join(REPO_ROOT, "rules")]);
  const h = sigmaPrefilterHints(rules);
  assert.ok(h.names?.includes("supportxmr.com"), "pool domains from the DNS rules");
  assert.ok(h.names?.includes("pool."), "PB-31 label prefixes");
  assert.deepEqual([...(h.ports ?? [])].sort((a, b) => a - b), [3333, 4444, 5555, 8333, 14444]);
  assert.ok(h.text !== null && h.text.length > 0);
});

test("a rule set with rules that need no literal turns skipping off (never hides a match)", async (t) => {
  const dir = sharedFixture(t, "sigmahq/rules/network");
  if (!dir) return;
  const { rules } = await loadRules([dir]);
  const h = sigmaPrefilterHints(rules);
  assert.equal(h.ips === null || h.ports === null || h.names === null, true);
});
