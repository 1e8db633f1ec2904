/**
 * Generate benchmark inputs: Zeek DNS JSON, Zeek conn JSON and Elastic Defend (ECS) process events,
 * in the real field layouts, mostly benign with a small share of mining traffic (as in a real SOC).
 * Deterministic (seeded), written to bench/out/ (ignored by git).
 *
 *   node --import tsx bench/generate.ts [events-per-file=1000000] [dns,conn,process]
 */
import { createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), "out");

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["cdn", "api", "static", "mail", "login", "img", "update", "assets", "edge", "media", "search", "files", "auth", "docs", "status"];
const TLDS = ["com", "net", "org", "io", "co.th", "cloud", "dev"];
const POOLS = ["pool.supportxmr.com", "xmr-eu1.nanopool.org", "gulf.moneroocean.stream", "pool.hashvault.pro", "donate.v2.xmrig.com", "rx.unmineable.com"];
const LOOKALIKES = ["0.pool.ntp.org", "2.debian.pool.ntp.org", "mining.com", "xmr.example-news.com"];
/**
 * The DNS mix. "mix3" (the default) has a look-alike no allowlist clears (xmr.example-news.com) asked by random
 * clients out of 64k, so its distinct facts keep growing with the log: 610 at 1M records, 4,896 at 10M.
 * "fixed-facts" is the mix as issue 7 describes it: pool-like names the allowlist clears, and real pools asked by
 * a few infected hosts; its distinct facts stop growing early, so it shows what traffic alone costs.
 */
export type DnsMix = "mix3" | "fixed-facts";
const DNS_MIX: DnsMix = process.env["BENCH_DNS_MIX"] === "fixed-facts" ? "fixed-facts" : "mix3";
/**
 * Names whose first label is one of PB-31's pool hints ("pool.", "mining."), all on the allowlist: a
 * real network asks for them all day (NTP, key servers, Ubuntu's mirror pool). About one in ten queries.
 */
const INFECTED = ["10.20.7.41", "10.20.7.42", "10.20.31.9", "10.20.118.200", "10.20.201.17"];
const POOL_LIKE = ["pool.ntp.org", "pool.ntp.org", "pool.ntp.org", "pool.sks-keyservers.net", "pool.ubuntu.com", "mining.com"];

function benignDomains(r: () => number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${WORDS[Math.floor(r() * WORDS.length)]}${i % 7 === 0 ? "" : i % 97}.${["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark"][i % 7]}${Math.floor(i / 7)}.${TLDS[i % TLDS.length]}`);
  }
  return out;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const ip = (r: () => number, prefix = "10.20") => `${prefix}.${Math.floor(r() * 255)}.${1 + Math.floor(r() * 253)}`;
const uid = (r: () => number) => `C${Math.floor(r() * 2 ** 52).toString(36)}${Math.floor(r() * 2 ** 30).toString(36)}`;

/** Inputs are deterministic, so a file already written (same name, same size class) is reused: 10M lines take minutes. */
async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  if (existsSync(path) && statSync(path).size > n * 100) return;
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = "";
  for (let i = 0; i < n; i++) {
    buf += line(i) + "\n";
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once("drain", () => res()));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}

/** Which inputs to write (the 10M memory run needs only DNS). */
export type Kind = "dns" | "conn" | "process";

export async function generate(n: number, kinds: readonly Kind[] = ["dns", "conn", "process"]): Promise<Partial<Record<Kind, string>>> {
  mkdirSync(OUT_DIR, { recursive: true });
  const files: Partial<Record<Kind, string>> = {};
  if (kinds.includes("dns")) files.dns = await generateDns(n);
  if (kinds.includes("conn")) files.conn = await generateConn(n);
  if (kinds.includes("process")) files.process = await generateProcess(n);
  return files;
}

const T0 = 1795035600;

/** The answers of one query, as Zeek writes them: a CNAME chain now and then, then addresses (A or AAAA). */
function answersFor(r: () => number, qtype: string): { answers: string; ttls: string } {
  const list: string[] = [];
  if (r() < 0.2) list.push(`edge${Math.floor(r() * 90)}.cdn-${Math.floor(r() * 40)}.net`);
  const count = 1 + Math.floor(r() * 4);
  for (let k = 0; k < count; k++) {
    list.push(qtype === "AAAA" ? `2600:9000:${Math.floor(r() * 0xffff).toString(16)}::${Math.floor(r() * 0xffff).toString(16)}` : ip(r, pick(r, ["52.84", "151.101", "104.16", "13.32"])));
  }
  return { answers: JSON.stringify(list), ttls: `[${list.map(() => `${60 * (1 + Math.floor(r() * 10))}.0`).join(",")}]` };
}

/**
 * Zeek DNS JSON, a realistic mix: every record carries answers; about one in ten is a pool-like name
 * (PB-31's "pool." hint matches, the allowlist clears it); about one in a thousand is a real pool.
 */
async function generateDns(n: number): Promise<string> {
  const r = rng(31);
  const domains = benignDomains(r, 20_000);
  const path = join(OUT_DIR, `zeek-dns-${DNS_MIX}-${n}.json`);
  // The same draws for both mixes: fixed-facts asks an allowlisted look-alike where mix3 asks xmr.example-news.com.
  const lookalikes = DNS_MIX === "mix3" ? LOOKALIKES : LOOKALIKES.map((l) => (l === "xmr.example-news.com" ? "0.pool.ntp.org" : l));
  await writeLines(path, n, (i) => {
    const roll = r();
    const query = roll < 0.001 ? pick(r, POOLS) : roll < 0.002 ? pick(r, lookalikes) : roll < 0.102 ? pick(r, POOL_LIKE) : domains[Math.floor(r() * domains.length)]!;
    const qtype = r() < 0.8 ? "A" : "AAAA";
    const { answers, ttls } = answersFor(r, qtype);
    // A miner re-resolves its pool: pool queries come from a few infected hosts, not from everyone.
    const client = roll < 0.001 ? pick(r, INFECTED) : ip(r);
    return `{"ts":${(T0 + i * 0.01).toFixed(6)},"uid":"${uid(r)}","id.orig_h":"${client}","id.orig_p":${30000 + Math.floor(r() * 30000)},"id.resp_h":"10.20.0.2","id.resp_p":53,"proto":"udp","trans_id":${Math.floor(r() * 65535)},"rtt":0.00${1 + Math.floor(r() * 9)},"query":"${query}","qclass":1,"qclass_name":"C_INTERNET","qtype":${qtype === "A" ? 1 : 28},"qtype_name":"${qtype}","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":${answers},"TTLs":${ttls},"rejected":false}`;
  });
  return path;
}

async function generateConn(n: number): Promise<string> {
  const r = rng(32);
  const t0 = T0;
  const conn = join(OUT_DIR, `zeek-conn-${n}.json`);
  const ports = [443, 443, 443, 80, 53, 22, 8443, 5432, 3389, 123];
  await writeLines(conn, n, (i) => {
    const roll = r();
    const port = roll < 0.0005 ? pick(r, [3333, 4444, 5555, 14444]) : pick(r, ports);
    const dur = (r() * 60).toFixed(6);
    const ob = Math.floor(r() * 50000), rb = Math.floor(r() * 500000);
    return `{"ts":${(t0 + i * 0.01).toFixed(6)},"uid":"${uid(r)}","id.orig_h":"${ip(r)}","id.orig_p":${30000 + Math.floor(r() * 30000)},"id.resp_h":"${ip(r, "151.101")}","id.resp_p":${port},"proto":"tcp","service":"${port === 443 ? "ssl" : "-"}","duration":${dur},"orig_bytes":${ob},"resp_bytes":${rb},"conn_state":"SF","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf","orig_pkts":${Math.floor(ob / 500) + 3},"orig_ip_bytes":${ob + 200},"resp_pkts":${Math.floor(rb / 1400) + 3},"resp_ip_bytes":${rb + 200}}`;
  });
  return conn;
}

async function generateProcess(n: number): Promise<string> {
  const r = rng(33);
  const t0 = T0;
  const process = join(OUT_DIR, `ecs-process-${n}.ndjson`);
  const benign = [
    ["/usr/bin/bash", "bash -c /usr/local/bin/healthcheck.sh"], ["/usr/sbin/sshd", "sshd: alice [priv]"], ["/usr/bin/python3", "python3 /opt/app/worker.py --queue orders"],
    ["/usr/lib/postgresql/14/bin/postgres", "postgres: 14/main: autovacuum worker"], ["/usr/bin/curl", "curl -s https://api.acme0.com/v1/health"],
    ["/usr/bin/systemctl", "systemctl status nginx"], ["/usr/bin/grep", "grep -r ERROR /var/log/app"], ["/usr/sbin/cron", "/usr/sbin/CRON -f -P"],
  ] as const;
  const bad = [
    ["/tmp/.X11-unix/kswapd0", "/tmp/.X11-unix/kswapd0 -o pool.supportxmr.com:443 --tls -u 4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge --donate-level 1"],
    ["/opt/xmrig/xmrig", "/opt/xmrig/xmrig -c /opt/xmrig/config.json"],
  ] as const;
  await writeLines(process, n, (i) => {
    const isBad = r() < 0.0005;
    const [exe, cmd] = isBad ? pick(r, bad) : pick(r, benign);
    const name = exe.slice(exe.lastIndexOf("/") + 1);
    const host = `srv-${Math.floor(r() * 500)}`;
    const ts = new Date((t0 + i * 0.01) * 1000).toISOString();
    return `{"@timestamp":"${ts}","event":{"action":"exec","category":["process"],"type":["start"],"dataset":"endpoint.events.process","kind":"event","module":"endpoint"},"host":{"name":"${host}","ip":["${ip(r)}"],"os":{"type":"linux"}},"process":{"pid":${1000 + Math.floor(r() * 60000)},"name":"${name}","executable":"${exe}","command_line":"${cmd}","args":${JSON.stringify(cmd.split(" "))},"parent":{"pid":1,"name":"systemd"}},"user":{"name":"svc","id":"1001"}}`;
  });
  return process;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const kinds = (process.argv[3]?.split(",") ?? ["dns", "conn", "process"]) as Kind[];
  const files = await generate(n, kinds);
  console.log(JSON.stringify(files, null, 2));
}
