import type { Event, Observable } from "../../../model/index.js";
import { num, provenance, str, strs } from "../../../model/index.js";
import type { Intel } from "../../../intel/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, obs, timeOf } from "../common.js";
import { addEntity, roundConfidence, severityFor } from "./aggregate.js";
import { endpointOf, type Endpoint } from "./command-line.js";
import { datasetsFor } from "../../routes.js";

/**
 * A miner's configuration file found on a host (dataset miner.config: XMRig config.json, xmr-stak
 * pools.txt, cgminer.conf ...). Pools or wallets in it make it a miner config that is set up to mine;
 * a donate-level of 0 or 1 (XMRig's minimum, what every abuser sets) says the same without a pool;
 * miner keys alone (randomx, cpu, opencl ...) are weaker — a template or a leftover.
 */
export const MINER_CONFIG_ID = "minerhunt.host.miner-config";
const TITLE = "Cryptominer configuration file";

const POOLS_OR_WALLETS = 0.85;
const KNOWN_POOL_OR_BOTH = 0.9;
const LOW_DONATE_LEVEL = 0.6;
const MANY_KEYS = 0.5;
const FEW_KEYS = 0.35;
const MANY_KEYS_AT_LEAST = 3;
const MAX_VALUES = 64;

export interface ConfigReading {
  endpoints: Endpoint[];
  urls: string[];
  wallets: string[];
  donateLevel?: number;
  keys: string[];
  confidence: number;
}

/** What a miner.config event shows, scored. Undefined when it shows nothing of a miner. */
export function readMinerConfig(event: Event, intel: Intel): ConfigReading | undefined {
  const urls = strs(event, "url.original").slice(0, MAX_VALUES);
  const endpoints: Endpoint[] = [];
  for (const value of [...strs(event, "minerhunt.miner.pools").slice(0, MAX_VALUES), ...urls]) {
    const ep = endpointOf(value, intel);
    if (ep && !endpoints.some((e) => e.host === ep.host && e.port === ep.port)) endpoints.push(ep);
  }
  // The user field of a pool is often "WALLET.worker" or a placeholder ("YOUR_WALLET_ADDRESS"): only
  // what has a wallet's shape counts.
  const wallets: string[] = [];
  for (const w of strs(event, "minerhunt.miner.wallets").slice(0, MAX_VALUES)) {
    for (const found of intel.findWallets(w)) if (!wallets.includes(found.wallet)) wallets.push(found.wallet);
  }
  const known = new Set(intel.minerConfigKeys.map((k) => k.toLowerCase()));
  const keys = strs(event, "minerhunt.miner.config_keys").slice(0, MAX_VALUES).filter((k) => known.has(k.toLowerCase()));
  const donateLevel = num(event, "minerhunt.miner.donate_level");
  const lowDonate = donateLevel === 0 || donateLevel === 1;

  let confidence: number;
  const hasPools = endpoints.length > 0;
  if (hasPools || wallets.length > 0) {
    const knownPool = endpoints.some((e) => (e.domainMatch && e.domainMatch.list !== "donation") || e.ipMatch);
    confidence = knownPool || (hasPools && wallets.length > 0) ? KNOWN_POOL_OR_BOTH : POOLS_OR_WALLETS;
  } else if (lowDonate) confidence = LOW_DONATE_LEVEL;
  else if (keys.length >= MANY_KEYS_AT_LEAST) confidence = MANY_KEYS;
  else if (keys.length > 0) confidence = FEW_KEYS;
  else return undefined;
  return { endpoints, urls, wallets, ...(donateLevel !== undefined ? { donateLevel } : {}), keys, confidence };
}

export function createMinerConfigDetector(): Detector {
  return {
    id: MINER_CONFIG_ID,
    title: TITLE,
    routes: { datasets: datasetsFor(["miner_config"]) },
    start(ctx: DetectorContext) {
      return {
        onEvent(event) {
          const reading = readMinerConfig(event, ctx.intel);
          if (!reading) return;
          const path = str(event, "file.path") ?? str(event, "log.file.path") ?? "";
          const family = str(event, "minerhunt.miner.family");
          const entities = entitiesOf(event);
          for (const e of reading.endpoints) addEntity(entities, "pools", e.isIp ? `${e.host}${e.port !== undefined ? `:${e.port}` : ""}` : e.host);
          const observables: Observable[] = [...obs("file", path)];
          for (const e of reading.endpoints) {
            observables.push(...obs(e.isIp ? "ip" : "domain", e.host));
            if (e.port !== undefined) observables.push(...obs("port", e.port));
          }
          for (const u of reading.urls) observables.push(...obs("url", u));
          for (const w of reading.wallets) observables.push(...obs("wallet", w));
          const first = reading.endpoints[0];
          const poolText = first ? ` with pool ${first.host}${first.port !== undefined ? `:${first.port}` : ""}` : "";
          const host = entities.hosts?.[0];
          const facts: Record<string, string | number | boolean> = {
            "miner.pools": reading.endpoints.length, "miner.wallets": reading.wallets.length,
          };
          if (family) facts["miner.name"] = family;
          if (reading.donateLevel !== undefined) facts["miner.donate_level"] = reading.donateLevel;
          if (reading.keys.length > 0) facts["miner.config_keys"] = reading.keys.join(",");
          const label = first?.domainMatch?.label ?? first?.ipMatch?.label;
          if (label) facts["pool.label"] = label;
          const confidence = roundConfidence(reading.confidence);
          ctx.emit({
            rule: { id: MINER_CONFIG_ID, name: TITLE, kind: "detector" },
            title: `${family ? `${family} ` : "Miner "}config${poolText} at ${clip(path, 120)}${host ? ` on ${host}` : ""}`,
            description: "A miner configuration file: pools, wallets and settings tell where the host mines to (PB-31 §1.3 persistence and binaries).",
            trigger: "host",
            severity: severityFor(confidence),
            confidence,
            firstSeen: timeOf(event),
            lastSeen: timeOf(event),
            entities,
            observables,
            evidence: [provenance(event, `miner config ${clip(path, 100)}: ${reading.endpoints.length} pool(s), ${reading.wallets.length} wallet(s)` +
              `${reading.donateLevel !== undefined ? `, donate-level ${reading.donateLevel}` : ""}`)],
            facts,
            tags: ["pb-31:1.3", "attack.t1496"],
          });
        },
        finish() {},
      };
    },
  };
}

export const minerConfigDetector: Detector = createMinerConfigDetector();
