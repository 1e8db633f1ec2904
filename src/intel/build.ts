/**
 * Assembling Intel from its data (buildIntel). No parsing and no checks here, and so no YAML parser and
 * no zod: load.ts reads and checks the files, load-fast.ts takes them from the build snapshot.
 */
import type { z } from "zod";
import { DomainTable } from "./domains.js";
import { IpTable } from "./ips.js";
import { campaignLookup, toCampaigns } from "./campaigns.js";
import type {
  CampaignsFileSchema, CloudFileSchema, HostsFileSchema, ImportedFile, MinersFileSchema, PoolsFileSchema, StratumFileSchema,
  WindowsFileSchema,
} from "./schema.js";
import type { CloudFindingType, DomainMatch, Intel, IpMatch, MinerInfo, WindowsPersistenceName } from "./types.js";

/** The checked contents of data/intel/*.yaml, one field per file. */
export interface IntelFiles {
  miners: z.infer<typeof MinersFileSchema>;
  stratum: z.infer<typeof StratumFileSchema>;
  pools: z.infer<typeof PoolsFileSchema>;
  cloud: z.infer<typeof CloudFileSchema>;
  hosts: z.infer<typeof HostsFileSchema>;
  campaigns: z.infer<typeof CampaignsFileSchema>;
  windows: z.infer<typeof WindowsFileSchema>;
}

const CURATED_POOL_CONFIDENCE = 0.85;
const DONATION_CONFIDENCE = 0.9;
const BROWSER_MINER_CONFIDENCE = 0.6;
/** A campaign's own hosts (downloads, C2): as strong as a curated pool, since the reports name them. */
const CAMPAIGN_DOMAIN_CONFIDENCE = 0.8;

/**
 * The Intel the detectors read, from checked data files and checked imported lists. Pure assembly: what
 * comes in has passed its schema (load.ts) or comes from the build snapshot, which holds what passed.
 */
export function buildIntel(files: IntelFiles, imported: readonly ImportedFile[], allowDomains: readonly string[] = []): Intel {
  const { miners, stratum, pools, cloud, hosts, windows } = files;
  const campaigns = toCampaigns(files.campaigns);

  const domains = new DomainTable<Omit<DomainMatch, "listed">>();
  for (const a of pools.allowlist) domains.allow(a);
  for (const a of allowDomains) domains.allow(a);
  for (const d of pools.donation) domains.add(d, { list: "donation", label: "XMRig developer fee", confidence: DONATION_CONFIDENCE });
  for (const p of pools.pools) domains.add(p.domain, { list: "pools", label: p.label, confidence: CURATED_POOL_CONFIDENCE });
  for (const d of pools.browser_miners) domains.add(d, { list: "browser-miners", confidence: BROWSER_MINER_CONFIDENCE });
  for (const c of campaigns) for (const d of c.domains) domains.add(d, { list: `campaign:${c.name}`, label: c.name, confidence: CAMPAIGN_DOMAIN_CONFIDENCE });

  const ips = new IpTable<Omit<IpMatch, "listed">>();
  for (const list of imported) {
    for (const d of list.domains) domains.add(d, { list: `import:${list.name}`, confidence: list.confidence });
    for (const ip of list.ips) ips.add(ip.address, { list: `import:${list.name}`, confidence: list.confidence, ...(ip.ports ? { ports: ip.ports } : {}) });
  }

  const minerInfos: MinerInfo[] = miners.miners.map((m) => ({
    name: m.name, processNames: m.process_names.map((n) => n.toLowerCase()), kind: m.kind, coins: m.coins,
    flags: m.flags, configFiles: m.config_files, inPlaybook: m.in_playbook,
  }));
  const minerByName = new Map<string, MinerInfo>();
  for (const m of minerInfos) for (const n of m.processNames) minerByName.set(n, m);

  const masquerade = hosts.masquerade_names.map((n) => n.toLowerCase());
  const campaign = new Set([...hosts.campaign_process_names, ...campaigns.flatMap((c) => c.processNames)].map((n) => n.toLowerCase()));
  const dropPaths = [...new Set([...hosts.drop_paths, ...campaigns.flatMap((c) => c.dropPaths)])];
  const minerArgs = [...new Set([...miners.miner_args, ...campaigns.flatMap((c) => [...c.commandFragments, ...c.killScripts])].map((a) => a.toLowerCase()))];
  const rivalMinerNames = [...new Set(campaigns.flatMap((c) => c.killTargets))];
  const campaignsOf = campaignLookup(campaigns);
  const cloudTypes = new Map<string, CloudFindingType>();
  for (const t of cloud.finding_types) cloudTypes.set(`${t.provider}\0${t.type.toLowerCase()}`, t);
  const images = new Set(miners.miner_images.map((i) => i.toLowerCase()));
  const gpuPrefixes = {
    aws: cloud.instance_families.gpu.aws.map((f) => f.toLowerCase()),
    azure: cloud.instance_families.gpu.azure.map((f) => f.toLowerCase()),
    gcp: cloud.instance_families.gpu.gcp.map((f) => f.toLowerCase()),
  };
  const wallets = miners.wallets.map((w) => ({ coin: w.coin, re: new RegExp(w.pattern, "g") }));

  const intel: Intel = {
    miners: minerInfos,
    minerByProcessName(name) {
      let n = name.trim().toLowerCase();
      const slash = n.lastIndexOf("/");
      if (slash !== -1) n = n.slice(slash + 1);
      if (n.endsWith(".exe")) n = n.slice(0, -4);
      return minerByName.get(n);
    },
    minerArgs,
    stratum: { schemes: stratum.schemes, methods: stratum.methods, httpHeaders: stratum.http_headers, idsSignatures: stratum.ids_signatures },
    playbookPorts: new Set(pools.ports.playbook),
    minerPorts: new Set([...pools.ports.playbook, ...pools.ports.known]),
    poolLabelHints: pools.label_hints,
    curatedPoolDomains: [...pools.pools.map((p) => p.domain.toLowerCase()), ...pools.donation.map((d) => d.toLowerCase())],
    matchDomain(name) {
      const hit = domains.lookup(name);
      if (!hit || hit.entry.allow || !hit.entry.value) return undefined;
      return { listed: hit.suffix, ...hit.entry.value };
    },
    isAllowlisted(name) {
      const hit = domains.lookup(name);
      return hit?.entry.allow === true;
    },
    mayListDomain(buf, start, end) {
      return domains.mayContainBytes(buf, start, end);
    },
    matchIp(address) {
      const hit = ips.lookup(address);
      return hit ? { listed: hit.prefix, ...hit.value } : undefined;
    },
    masqueradeNames: masquerade,
    isMasqueradeName(name) {
      const n = name.trim().replace(/^\[|\]$/g, "").toLowerCase();
      // kworker/0:1, migration/3, kworker/u8:2-events: the name before "/" is what matters.
      const base = n.split("/", 1)[0]!;
      return masquerade.includes(base);
    },
    campaignProcessNames: [...campaign],
    dropPaths,
    campaigns,
    campaignsOf,
    rivalMinerNames,
    windowsPersistenceName(kind, name) {
      // Task names arrive with their folder ("\Microsoft\Windows\blackball"); the last segment is the name.
      const n = name.slice(name.lastIndexOf("\\") + 1).trim().toLowerCase();
      if (n === "") return undefined;
      const entries = kind === "task" ? windows.scheduled_tasks : windows.services;
      const e = entries.find((x) => (x.prefix ? n.startsWith(x.name.toLowerCase()) : n === x.name.toLowerCase()));
      return e ? { name: e.name, campaign: e.campaign, source: e.source, weak: e.weak ?? false } satisfies WindowsPersistenceName : undefined;
    },
    servicePrograms: hosts.service_programs.map((n) => n.toLowerCase()),
    gpuWorkloadHosts: hosts.gpu_workload_hosts,
    cryptoNodePorts: new Map(pools.ports.crypto_nodes.map((n) => [n.port, n.network])),
    computeServices: cloud.compute_services.map((n) => n.toLowerCase()),
    cloudFindingTypes: cloud.finding_types,
    cloudFindingType(provider, type) {
      return cloudTypes.get(`${provider}\0${type.trim().toLowerCase()}`);
    },
    classifyInstanceType(instanceType) {
      const t = instanceType.trim().toLowerCase();
      if (!t) return undefined;
      const family = t.split(".", 1)[0]!;
      if (gpuPrefixes.aws.includes(family)) return "gpu";
      if (gpuPrefixes.azure.some((p) => t.startsWith(p))) return "gpu";
      if (gpuPrefixes.gcp.some((p) => t.startsWith(p))) return "gpu";
      const size = t.includes(".") ? t.slice(t.indexOf(".") + 1) : "";
      if (size && cloud.instance_families.compute_sizes.includes(size)) return "compute";
      // GCP/Azure big CPU shapes: n2-highcpu-64, c2-standard-60, Standard_F64s_v2, Standard_HB120rs_v3.
      const gcpCpus = /^[a-z0-9]+-[a-z]+-(\d+)$/.exec(t);
      if (gcpCpus && Number(gcpCpus[1]) >= 48) return "compute";
      const azCpus = /^standard_[a-z]+(\d+)/.exec(t);
      if (azCpus && Number(azCpus[1]) >= 48) return "compute";
      return undefined;
    },
    isMinerImage(image) {
      let i = image.trim().toLowerCase();
      const at = i.indexOf("@");
      if (at !== -1) i = i.slice(0, at);
      const lastSlash = i.lastIndexOf("/");
      const colon = i.lastIndexOf(":");
      if (colon > lastSlash) i = i.slice(0, colon);
      for (const prefix of ["docker.io/", "index.docker.io/", "registry-1.docker.io/"]) if (i.startsWith(prefix)) i = i.slice(prefix.length);
      if (i.startsWith("library/")) i = i.slice(8);
      if (images.has(i)) return true;
      const repoName = i.slice(i.lastIndexOf("/") + 1);
      return images.has(repoName);
    },
    minerConfigKeys: miners.miner_config_keys,
    findWallets(text) {
      const found: { coin: string; wallet: string }[] = [];
      const bounded = text.length > 65536 ? text.slice(0, 65536) : text;
      for (const w of wallets) {
        w.re.lastIndex = 0;
        for (const m of bounded.matchAll(w.re)) {
          if (!found.some((f) => f.wallet === m[0])) found.push({ coin: w.coin, wallet: m[0] });
          if (found.length >= 20) return found;
        }
      }
      return found;
    },
    stats() {
      return {
        miners: minerInfos.length, minerProcessNames: minerByName.size, domains: domains.size, ips: ips.size,
        importedLists: imported.length, cloudFindingTypes: cloud.finding_types.length, minerPorts: intel.minerPorts.size,
        minerImages: images.size, campaigns: campaigns.length,
      };
    },
  };
  return intel;
}
