/**
 * What miners look like, loaded from data/intel/*.yaml (and imported lists). Detectors and the
 * Sigma rule pack read indicators from here by name; no detector carries its own copy of a list.
 */

export interface MinerInfo {
  /** Canonical name: "xmrig". */
  name: string;
  /** Process/binary names that identify it (lower case, without ".exe"): ["xmrig", "xmrig-notls"]. */
  processNames: string[];
  kind: "cpu" | "gpu" | "cpu+gpu";
  coins: string[];
  /** Command-line flags distinctive to this miner ("--donate-level", "-wal"). */
  flags: string[];
  /** Config file names it reads ("config.json", "pools.txt"). */
  configFiles: string[];
  /** Named in PB-31 §1.1 (the seed's six). */
  inPlaybook: boolean;
}

export interface DomainMatch {
  /** The listed domain that matched (a suffix of the name looked up). */
  listed: string;
  /** Which list: "pools", "donation", "browser-miners", or "import:<file>". */
  list: string;
  /** Pool or service name when known ("Nanopool"). */
  label?: string;
  /** How much a hit on this list means (0..1). Curated pools high, old imported lists lower. */
  confidence: number;
}

export interface IpMatch {
  /** The listed address or prefix ("172.65.200.133/32"). */
  listed: string;
  list: string;
  label?: string;
  /** Ports the list pins to this IP, if any ("172.65.200.133:3333"). */
  ports?: number[];
  confidence: number;
}

export interface CloudFindingType {
  provider: "aws" | "azure" | "gcp";
  /** GuardDuty type, Defender AlertType, or SCC category, exactly as the provider writes it. */
  type: string;
  title: string;
  severity: "low" | "medium" | "high" | "critical";
  /** true: the type means mining; false: a type that often comes with it (credential exfiltration, ...). */
  mining: boolean;
}

/** A named cryptojacking campaign and the public reports its indicators come from (data/intel/campaigns.yaml). */
export interface CampaignInfo {
  name: string;
  references: string[];
  /** "src": checked in the cited source; "common": widely reported, not re-read. */
  checked: "src" | "common";
  processNames: string[];
  dropPaths: string[];
  commandFragments: string[];
  domains: string[];
  killTargets: string[];
  killScripts: string[];
}

export interface StratumInfo {
  /** URL schemes: "stratum+tcp://", ... */
  schemes: string[];
  /** JSON-RPC method names by dialect. */
  methods: { v1: string[]; cryptonote: string[]; ethereum: string[]; getwork: string[] };
  /** HTTP headers of mining over HTTP: "X-Mining-Extensions", "X-Stratum". */
  httpHeaders: string[];
  /** Lower-case words of IDS rule messages about mining, and about mining in a visitor's browser. */
  idsSignatures: { mining: string[]; browser: string[] };
}

export interface Intel {
  readonly miners: readonly MinerInfo[];
  /** The miner a process name belongs to (case-insensitive, ".exe" ignored), if any. */
  minerByProcessName(name: string): MinerInfo | undefined;
  /**
   * Command-line fragments that mark a miner, or its installer or dropper, whatever its name (lower case):
   * "--donate-level", "rx/0", and the campaigns' fragments ("setup_c3pool_miner.sh", "dota3.tar.gz").
   */
  readonly minerArgs: readonly string[];
  readonly stratum: StratumInfo;
  /** PB-31 §1.2 destination ports (3333, 4444, 5555, 8333, 14444). */
  readonly playbookPorts: ReadonlySet<number>;
  /** All ports pools are known to use (Falco's miner_ports and the seed's). */
  readonly minerPorts: ReadonlySet<number>;
  /** PB-31 §1.2 DNS prefixes ("pool.", "mining.", "xmr.", "f2pool.", "nanopool."): weak alone. */
  readonly poolLabelHints: readonly string[];
  /** The project's curated pool and donation domains (not imported lists): keywords for raw-text prefilters. */
  readonly curatedPoolDomains: readonly string[];
  /** Match a DNS name by its labels from the right. Allowlisted names never match. */
  matchDomain(name: string): DomainMatch | undefined;
  /** Whether a name is on the look-alike allowlist (pool.ntp.org and its kin). */
  isAllowlisted(name: string): boolean;
  /**
   * False when neither matchDomain nor isAllowlisted can find the name given as ASCII bytes buf[start, end)
   * (no listed or allowed domain ends its last labels): a quick "no" for a fast path, without a string.
   * True means "look it up".
   */
  mayListDomain(buf: Uint8Array, start: number, end: number): boolean;
  /** Match an IPv4/IPv6 address by longest prefix. */
  matchIp(address: string): IpMatch | undefined;
  /** Kernel-thread and system names miners hide behind ("kworker", "kswapd0", "kdevtmpfsi"). */
  readonly masqueradeNames: readonly string[];
  isMasqueradeName(name: string): boolean;
  /** Names that are miners in disguise in known campaigns (kdevtmpfsi, kinsing, sysupdate...). */
  readonly campaignProcessNames: readonly string[];
  /** Network services whose compromise lets miners in (postgres, redis-server, java, httpd ...), lower case. */
  readonly servicePrograms: readonly string[];
  /**
   * Host-name globs that say a machine runs GPU or model-training work ("ml-*", "*gpu*"): busy GPUs and CPUs
   * there are an expected workload, weak alone (data/intel/hosts.yaml gpu_workload_hosts).
   */
  readonly gpuWorkloadHosts: readonly string[];
  /** Peer-to-peer ports of cryptocurrency nodes (8333 Bitcoin, 30303 Ethereum...) and the network's name. */
  readonly cryptoNodePorts: ReadonlyMap<number, string>;
  /** Billing service names (lower-case substrings) that are compute: a spike there can be mining. */
  readonly computeServices: readonly string[];
  /** Directories miners are dropped in ("/tmp/", "/dev/shm/", "/var/tmp/", "/.X11-unix/"). */
  readonly dropPaths: readonly string[];
  /** Named campaigns with their references (data/intel/campaigns.yaml). */
  readonly campaigns: readonly CampaignInfo[];
  /**
   * The campaigns an indicator belongs to: a process name, a drop path, a command-line fragment, a domain
   * (or a name under it), or a kill-list target. Case-insensitive.
   */
  campaignsOf(indicator: string): CampaignInfo[];
  /** Names and pool strings rival-miner kill scripts go after (lower case): a script naming several is a dropper. */
  readonly rivalMinerNames: readonly string[];
  readonly cloudFindingTypes: readonly CloudFindingType[];
  /** Look up a provider finding type; Defender "SIMULATED_" prefixes are stripped by the caller. */
  cloudFindingType(provider: CloudFindingType["provider"], type: string): CloudFindingType | undefined;
  /** "gpu" for GPU families (p3, g4dn, NC...), "compute" for big CPU sizes, undefined otherwise. */
  classifyInstanceType(instanceType: string): "gpu" | "compute" | undefined;
  /** Container images known to be miners ("xmrig/xmrig", "metal3d/xmrig"); matched without tag. */
  isMinerImage(image: string): boolean;
  /** XMRig-style config keys that mark a file as a miner config ("donate-level", "randomx", "pools"). */
  readonly minerConfigKeys: readonly string[];
  /** Find wallet-like strings (Monero, Bitcoin, Ethereum...) in text. */
  findWallets(text: string): { coin: string; wallet: string }[];
  /** A scheduled-task or service name a Windows miner campaign uses (data/intel/windows.yaml), if any. */
  windowsPersistenceName(kind: "task" | "service", name: string): WindowsPersistenceName | undefined;
  /** Sizes for --help and `intel stats`. */
  stats(): Record<string, number>;
}

/** A Windows persistence name from intel: which campaign uses it and the report saying so. */
export interface WindowsPersistenceName {
  name: string;
  campaign: string;
  source: string;
  /** Also used by legitimate software: supporting evidence only. */
  weak: boolean;
}
