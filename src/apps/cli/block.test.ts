import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import type { Finding, Incident } from "../../model/index.js";
import { hostileFinding, incidentFrom, realisticFindings } from "../../report/test-helpers/incident.js";
import { registerBlockCommand, type BlockCommandDeps, type BlockStore } from "./block.js";
import { UsageError } from "./errors.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-cli-block-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const findings = [...realisticFindings(), hostileFinding()];
const incident = incidentFrom(findings);

function memoryStore(): BlockStore & { closed: boolean } {
  const s = {
    closed: false,
    getIncident: (id: string): Incident | undefined => (id === incident.id ? incident : undefined),
    listFindings: (id: string): Finding[] => (id === incident.id ? findings : []),
    close: () => { s.closed = true; },
  };
  return s;
}

async function run(args: string[], deps: BlockCommandDeps = {}): Promise<{ out: string; info: string[] }> {
  let out = "";
  const info: string[] = [];
  const program = new Command("minerhunt").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerBlockCommand(program, { write: (d) => { out += d; }, info: (l) => { info.push(l); }, env: { LANG: "en_US.UTF-8" }, openStore: () => memoryStore(), ...deps });
  await program.parseAsync(["node", "minerhunt", "block", ...args]);
  return { out, info };
}

test("block INCIDENT --format nft prints the table; the hostile domain is reported, not written", async () => {
  const { out, info } = await run(["--format", "nft", incident.id]);
  assert.match(out, /^#!\/usr\/sbin\/nft -f/);
  assert.ok(out.includes("203.0.113.77"));
  assert.ok(info.some((l) => l.includes("left out domain") && l.includes("evil'pool")), info.join("\n"));
  assert.ok(!out.includes("evil"));
});

test("block INCIDENT --format all,support-case --out DIR writes every format and both case languages", async () => {
  const out = join(dir, "all");
  const { info } = await run([incident.id, "--format", "all", "--format", "support-case", "--out", out]);
  const names = readdirSync(out).sort();
  for (const n of ["minerhunt_blocklist.nft", "minerhunt-blocklist.iptables", "minerhunt-blocklist.ip6tables", "minerhunt-blocklist.hosts",
    "rpz.minerhunt.local.zone", "minerhunt-blocklist.dnsmasq.conf", "minerhunt-blocklist.unbound.conf", "route53-firewall-domains.txt",
    "minerhunt-blocklist.rules", "aws-nacl-entries.json", "support-case.en.md", "support-case.th.md"]) assert.ok(names.includes(n), n);
  assert.match(readFileSync(join(out, "support-case.th.md"), "utf8"), /^# คำขอปรับปรุงค่าบริการ/);
  assert.ok(info.some((l) => l.startsWith("Wrote ")));
});

test("block --from-intel --format dnsmasq needs no incident and no store", async () => {
  const { out } = await run(["--from-intel", "--format", "dnsmasq"], { openStore: () => { throw new Error("no store wanted"); } });
  assert.ok(out.split("\n").includes("address=/supportxmr.com/"));
});

test("usage errors: unknown format, nothing to block, several files without --out, unknown incident", async () => {
  await assert.rejects(run([incident.id, "--format", "pf"]), (e: unknown) => e instanceof UsageError && /Unknown format pf/.test(e.message));
  await assert.rejects(run([]), UsageError);
  await assert.rejects(run([incident.id, "--format", "iptables"]), /give --out/);
  await assert.rejects(run(["inc-nope", "--format", "nft"]), /not in the store/);
});
