/**
 * Indicators have one home, data/intel/. The few PB-31 rules that repeat a list on purpose (so the pack works
 * in other Sigma tools; rules/README.md names them) may only repeat what intel holds: a pool domain added to a
 * rule and not to intel, or removed from intel and not from the rule, fails here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT, testIntel } from "../../test-helpers/index.js";

type Detection = Record<string, Record<string, (string | number)[]> | string>;
function selection(rel: string, name: string, field: string): (string | number)[] {
  // A rule file may hold several documents (a correlation after its rule): the first is the rule.
  const doc = parseAllDocuments(readFileSync(join(REPO_ROOT, "rules", rel), "utf8"))[0]!.toJS() as { detection: Detection };
  const sel = doc.detection[name];
  assert.ok(sel && typeof sel === "object", `${rel}: ${name}`);
  const values = sel[field];
  assert.ok(Array.isArray(values) && values.length > 0, `${rel}: ${name}.${field}`);
  return values;
}

test("the standalone rules repeat only indicators data/intel holds", () => {
  const intel = testIntel();
  for (const d of selection("network/known_mining_pool_domains.yml", "selection_exact", "QueryName")) {
    assert.equal(intel.matchDomain(String(d))?.list, "pools", `pool domain ${d} is in data/intel/pools.yaml`);
  }
  for (const d of selection("network/xmrig_donation_hosts.yml", "selection", "QueryName")) {
    assert.equal(intel.matchDomain(String(d))?.list, "donation", `donation host ${d} is in data/intel/pools.yaml`);
  }
  for (const p of selection("network/net_pool_ports.yml", "selection", "DestinationPort")) {
    assert.ok(intel.minerPorts.has(Number(p)), `port ${p} is in data/intel/pools.yaml`);
  }
  const hints = selection("network/dns_pool_name_hints.yml", "selection", "QueryName|startswith").map((h) => String(h).replace(/\.$/, ""));
  assert.deepEqual([...hints].sort(), [...intel.poolLabelHints].sort(), "PB-31's pool prefixes, as data/intel/pools.yaml label_hints lists them");
  for (const look of selection("network/dns_pool_name_hints.yml", "filter_main_lookalikes", "QueryName|endswith")) {
    // The rule filters the look-alikes the allowlist clears: a name under each is allowlisted.
    const name = String(look).startsWith(".") ? `pool${String(look)}` : String(look);
    assert.ok(intel.isAllowlisted(name), `look-alike ${look} is on the allowlist (data/intel)`);
  }
  for (const image of selection("host/proc_miner_binary_name.yml", "selection_image", "Image|endswith")) {
    const name = String(image).replace(/^[/\\]/, "");
    assert.ok(intel.minerByProcessName(name), `miner ${name} is in data/intel/miners.yaml`);
  }
});
