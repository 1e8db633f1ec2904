import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWith, runDetector, sharedFixture } from "../../../test-helpers/index.js";
import { loadRules, sigmaDetector } from "../../../detect/sigma/index.js";
import { auditdSource } from "./source.js";

// SigmaHQ's auditd coin-miner rule reads raw EXECVE fields (a1..a7) under `product: linux, service: auditd`;
// the joined auditd events must route to it and map a<N> to process.args[N].
test("SigmaHQ's linux/auditd coin-miner rule matches an auditd execve event", async (t) => {
  const rule = sharedFixture(t, "sigmahq/rules/linux/auditd/execve/lnx_auditd_coinminer.yml");
  if (!rule) return;
  const dir = mkdtempSync(join(tmpdir(), "mh-auditd-sigma-"));
  try {
    copyFileSync(rule, join(dir, "rule.yml"));
    const loaded = await loadRules([dir]);
    assert.equal(loaded.rules.length, 1);
    const log = [
      'type=SYSCALL msg=audit(1795038072.120:9001): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=812 pid=4242 auid=1000 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4 comm="systemd-helper" exe="/tmp/.cache/systemd-helper" key=(null)',
      'type=EXECVE msg=audit(1795038072.120:9001): argc=4 a0="./systemd-helper" a1="-o" a2="203.0.113.9:3333" a3="--cpu-priority=5"',
      "type=EOE msg=audit(1795038072.120:9001): ",
      'type=SYSCALL msg=audit(1795038080.000:9005): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=812 pid=4250 auid=1000 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4 comm="nice" exe="/usr/bin/nice" key=(null)',
      'type=EXECVE msg=audit(1795038080.000:9005): argc=3 a0="nice" a1="-n" a2="5"',
      "type=EOE msg=audit(1795038080.000:9005): ",
    ].join("\n");
    const { events } = await parseWith(auditdSource, log);
    const findings = runDetector(sigmaDetector(loaded.rules), events);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.title, "Possible Coin Miner CPU Priority Param");
    assert.equal(findings[0]!.evidence[0]!.line, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
