/**
 * `minerhunt scan` end to end on a Sysmon EVTX holding a miner's process creation, pool DNS lookup,
 * connection and driver load: an incident opens; with the SigmaHQ collection, its Windows mining rules
 * match the same records.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, sharedFixture } from "../../test-helpers/index.js";
import { buildEvtx } from "./test-helpers/evtx-builder.js";
import { minerScenario, SCENARIO_POOL } from "./test-helpers/miner-scenario.js";
import { cliCommand } from "../../test-helpers/cli.js";

interface ScanJson {
  incidents: { findingIds: string[]; entities: Record<string, string[]> }[];
  findings: { id: string; rule: { id: string; name: string; kind: string }; title: string; evidence: { file: string; offset?: number }[] }[];
  issues: unknown[];
}

function scan(args: string[]): { status: number | null; json: ScanJson; stderr: string } {
  const mh = cliCommand(["scan", ...args, "--format", "json"]);
  const r = spawnSync(mh.command, mh.args, {
    cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, MINERHUNT_INTEL_DIR: join(tmpdir(), "minerhunt-no-imported-intel") }, maxBuffer: 64 << 20,
  });
  return { status: r.status, json: JSON.parse(r.stdout) as ScanJson, stderr: r.stderr };
}

function minerEvtx(): string {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-evtx-e2e-"));
  const path = join(dir, "Microsoft-Windows-Sysmon%4Operational.evtx");
  writeFileSync(path, buildEvtx(minerScenario()));
  return path;
}

test("scan on a Sysmon EVTX with a miner's process creation and pool DNS query opens an incident", () => {
  const path = minerEvtx();
  const r = scan([path]);
  assert.equal(r.status, 1, `exit 1 = something found\n${r.stderr}`);
  assert.deepEqual(r.json.issues, []);
  assert.equal(r.json.incidents.length, 1);
  const inc = r.json.incidents[0]!;
  assert.deepEqual(inc.entities.hosts, ["ws-fin-07"]);
  const ids = new Set(inc.findingIds);
  const rules = r.json.findings.filter((f) => ids.has(f.id)).map((f) => f.rule.id);
  assert.ok(rules.includes("minerhunt.host.miner-process"), rules.join(", "));
  assert.ok(rules.includes("minerhunt.network.pool-dns"), rules.join(", "));
  const proc = r.json.findings.find((f) => f.rule.id === "minerhunt.host.miner-process")!;
  assert.equal(proc.evidence[0]!.file, path);
  assert.equal(proc.evidence[0]!.offset, 4096 + 512, "evidence points at the record's byte offset");
  assert.ok(r.json.findings.some((f) => f.title.includes(SCENARIO_POOL)));
});

test("with --rules SigmaHQ, its Windows mining rules match the same events", (t) => {
  const rules = sharedFixture(t, "sigmahq/rules");
  if (!rules) return;
  const r = scan([minerEvtx(), "--rules", rules]);
  assert.equal(r.status, 1, r.stderr);
  const sigma = new Set(r.json.findings.filter((f) => f.rule.kind === "sigma").map((f) => f.rule.name));
  for (const title of ["Potential Crypto Mining Activity", "Network Communication With Crypto Mining Pool", "Monero Crypto Coin Mining Pool Lookup", "Vulnerable WinRing0 Driver Load"]) {
    assert.ok(sigma.has(title), `${title} in ${[...sigma].join(" | ")}`);
  }
});
