/**
 * Miner configuration files found on a host: XMRig `config.json` (keys such as pools[].url/user,
 * donate-level, randomx, cpu), xmr-stak `pools.txt` / `config.txt` (bare `"pool_list" : [...]` members
 * with C comments), and cgminer/bfgminer/sgminer JSON (`pools:[{url,user,pass}]`, api-listen, intensity).
 *
 * One event (dataset `miner.config`) per file: `minerhunt.miner.family`, `url.original` (pool URLs as
 * written), `minerhunt.miner.pools` (`host:port`), `minerhunt.miner.wallets` (pool users and wallet
 * addresses, as written), `minerhunt.miner.donate_level`, `minerhunt.miner.config_keys` (the miner keys
 * present). The family is the one whose distinctive keys the file has most of; a file with pools but
 * no distinctive key is family "unknown".
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { isJsonObject, lineAt, parseJsonDocument } from "../metrics/json-locate.js";
import { collectedHostNames } from "./collected-host.js";
import { collectedFileEvent } from "./collected-file.js";
import { relaxedJsonToStrict } from "./relaxed-json.js";

const ID = "miner.config";
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_POOLS = 1000;

type Family = "xmrig" | "xmr-stak" | "cgminer";

/** Keys only (or almost only) a given miner writes; they decide the family. Pool-entry keys included. */
/** `"name" :` keys of a JSON-ish text (xmr-stak writes a space before the colon). */
const QUOTED_KEY = /"([A-Za-z0-9_-]{1,40})"\s*:/g;

function quotedKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const m of text.matchAll(QUOTED_KEY)) keys.add(m[1]!);
  return keys;
}

const DISTINCTIVE: Record<Family, readonly string[]> = {
  xmrig: ["donate-level", "donate-over-proxy", "randomx", "health-print-time", "pause-on-battery", "pause-on-active",
    "huge-pages", "huge-pages-jit", "max-threads-hint", "rig-id", "nicehash", "tls-fingerprint", "self-select", "submit-to-origin",
    "cpu", "opencl", "cuda", "autosave"],
  "xmr-stak": ["pool_list", "pool_address", "wallet_address", "pool_password", "use_nicehash", "use_tls", "pool_weight", "rig_id",
    "call_timeout", "retry_time", "giveup_limit", "verbose_level", "print_motd", "h_print_time", "aes_override",
    "use_slow_memory", "tls_secure_algo", "daemon_mode", "flush_stdout", "httpd_port", "http_login", "prefer_ipv4", "cpu_threads_conf"],
  cgminer: ["api-listen", "api-allow", "api-port", "api-network", "api-mcast", "intensity", "scan-time", "expiry", "queue",
    "failover-only", "kernel-path", "gpu-engine", "gpu-memclock", "gpu-threads", "gpu-fan", "worksize", "thread-concurrency",
    "lookup-gap", "scrypt", "no-submit-stale", "shaders", "temp-target", "temp-cutoff", "auto-fan", "auto-gpu", "load-balance",
    "balance", "round-robin", "rotate", "hotplug"],
};
/** Keys every miner family may use; reported in config_keys but they decide nothing. */
const COMMON_KEYS = ["pools", "url", "user", "pass", "algo", "algorithm", "coin", "currency", "wallet", "keepalive", "background",
  "syslog", "log-file", "user-agent", "threads", "retries", "retry-pause", "print-time", "http", "api", "tls", "socks5"];
const URL_KEYS = ["url", "pool_address", "pool", "host"];
/** A quoted key some verdict of sniff() needs: "pools", "pool_list", "pool_address" or an xmr-stak setting. */
const MAY_BE_CONFIG = new RegExp(`"(?:pools|${DISTINCTIVE["xmr-stak"].join("|")})"\\s*:`);
const WALLET_KEYS = ["user", "wallet_address", "wallet", "login", "username"];

export const minerConfigSource: Source = {
  id: ID,
  title: "Miner configuration files (XMRig config.json, xmr-stak pools.txt/config.txt, cgminer JSON)",
  emits: [{ dataset: "miner.config", categories: ["configuration"], sigma: ["miner_config"] }],

  sniff(sample: Sample): number {
    const t = sample.text;
    // Every verdict below needs "pools", a pool_* key or xmr-stak's settings: one search without allocation
    // turns away the other logs of a folder before any key is collected.
    if (!MAY_BE_CONFIG.test(t)) return 0;
    // One pass collects the quoted keys; each check is then a set lookup, not a search of the whole sample
    // (forty searches of every sniffed file cost more than sniffing it).
    const keys = quotedKeys(t);
    const has = (key: string): boolean => keys.has(key);
    if (has("pool_list") || (has("pool_address") && has("wallet_address"))) return 0.9;
    const xmrStakSettings = DISTINCTIVE["xmr-stak"].filter(has).length;
    if (xmrStakSettings >= 3) return 0.85;
    if (!t.trimStart().startsWith("{") && !t.trimStart().startsWith("/")) return 0;
    if (has("pools") && has("url")) {
      const distinctive = DISTINCTIVE.xmrig.filter(has).length + DISTINCTIVE.cgminer.filter(has).length;
      if (distinctive > 0) return 0.9;
      if (has("user") || has("pass")) return 0.7;
    }
    return 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const raw = await input.text();
    if (raw.length > MAX_CONFIG_BYTES) {
      ctx.issue(undefined, `a ${raw.length}-byte file is too large for a miner config (limit ${MAX_CONFIG_BYTES}); not read`);
      return;
    }
    const doc = parseJsonDocument(relaxedJsonToStrict(raw), (l, m) => ctx.issue(l, m), "a miner config: JSON (comments allowed) or xmr-stak \"key\" : value lines");
    if (doc === undefined) return;
    if (!isJsonObject(doc)) {
      ctx.issue(1, "expected a JSON object of miner settings");
      return;
    }
    const found = analyse(doc);
    if (found.family === "unknown" && found.urls.length === 0) {
      ctx.issue(1, "no miner settings found (no pools, pool_list, donate-level, api-listen ...); not a miner config");
      return;
    }
    const firstUrl = found.urls[0];
    const at = firstUrl !== undefined ? raw.indexOf(firstUrl) : -1;
    const event = collectedFileEvent(input.path, at === -1 ? 1 : lineAt(raw, at), ID, "miner.config", await collectedHostNames.forFile(input.path));
    event["minerhunt.miner.family"] = found.family;
    event["url.original"] = found.urls;
    event["minerhunt.miner.pools"] = unique(found.urls.map(poolEndpoint).filter((p): p is string => p !== undefined));
    event["minerhunt.miner.wallets"] = unique(found.wallets);
    if (found.donateLevel !== undefined) event["minerhunt.miner.donate_level"] = found.donateLevel;
    event["minerhunt.miner.config_keys"] = found.keys;
    yield event;
  },
};

interface Analysis {
  family: Family | "unknown";
  urls: string[];
  wallets: string[];
  donateLevel?: number;
  keys: string[];
}

function analyse(doc: Record<string, unknown>): Analysis {
  const keys = new Set<string>();
  const known = new Set<string>([...COMMON_KEYS, ...Object.values(DISTINCTIVE).flat()]);
  const note = (object: Record<string, unknown>): void => {
    for (const k of Object.keys(object)) if (known.has(k)) keys.add(k);
  };
  note(doc);
  // Settings one level down that name the miner: XMRig's cpu{huge-pages, max-threads-hint}.
  for (const v of Object.values(doc)) if (isJsonObject(v)) for (const k of Object.keys(v)) if (DISTINCTIVE.xmrig.includes(k)) keys.add(k);

  const urls: string[] = [];
  const wallets: string[] = [];
  const readPool = (pool: Record<string, unknown>): void => {
    note(pool);
    for (const k of URL_KEYS) {
      const v = pool[k];
      if (typeof v === "string" && v.trim() !== "") {
        urls.push(v.trim());
        break;
      }
    }
    for (const k of WALLET_KEYS) {
      const v = pool[k];
      if (typeof v === "string" && v.trim() !== "") {
        wallets.push(v.trim());
        break;
      }
    }
  };
  for (const list of [doc.pools, doc.pool_list]) {
    if (!Array.isArray(list)) continue;
    for (const pool of list.slice(0, MAX_POOLS)) if (isJsonObject(pool)) readPool(pool);
  }
  // Old xmr-stak-cpu config.txt and one-pool configs keep the pool at the top level.
  if (urls.length === 0 && URL_KEYS.some((k) => typeof doc[k] === "string")) readPool(doc);

  const donate = doc["donate-level"];
  const donateLevel = typeof donate === "number" ? donate : typeof donate === "string" && /^\d{1,3}$/.test(donate) ? Number(donate) : undefined;

  let family: Analysis["family"] = "unknown";
  let best = 0;
  for (const f of Object.keys(DISTINCTIVE) as Family[]) {
    const score = DISTINCTIVE[f].filter((k) => keys.has(k)).length;
    if (score > best) {
      best = score;
      family = f;
    }
  }
  return { family, urls, wallets, donateLevel, keys: [...keys].sort() };
}

/** "stratum+tcp://user@pool.example.com:3333/path" → "pool.example.com:3333"; bare "host:port" kept. */
export function poolEndpoint(url: string): string | undefined {
  let rest = url.trim();
  const scheme = rest.indexOf("://");
  if (scheme !== -1) rest = rest.slice(scheme + 3);
  const slash = rest.indexOf("/");
  if (slash !== -1) rest = rest.slice(0, slash);
  const at = rest.lastIndexOf("@");
  if (at !== -1) rest = rest.slice(at + 1);
  rest = rest.toLowerCase();
  return rest === "" || rest.length > 300 ? undefined : rest;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
