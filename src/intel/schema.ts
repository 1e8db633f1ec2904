import { z } from "zod";

/** Schemas of data/intel/*.yaml: a typo in the data is a load error naming the file and the path. */
export const MinersFileSchema = z.object({
  miners: z.array(z.object({
    name: z.string(),
    process_names: z.array(z.string()).min(1),
    kind: z.enum(["cpu", "gpu", "cpu+gpu"]),
    coins: z.array(z.string()),
    in_playbook: z.boolean(),
    flags: z.array(z.string()),
    config_files: z.array(z.string()),
  }).strict()),
  miner_args: z.array(z.string()),
  miner_config_keys: z.array(z.string()),
  miner_images: z.array(z.string()),
  wallets: z.array(z.object({ coin: z.string(), pattern: z.string() }).strict()),
}).strict();

export const StratumFileSchema = z.object({
  schemes: z.array(z.string()),
  methods: z.object({
    v1: z.array(z.string()),
    cryptonote: z.array(z.string()),
    ethereum: z.array(z.string()),
    getwork: z.array(z.string()),
  }).strict(),
  http_headers: z.array(z.string()),
  ids_signatures: z.object({ mining: z.array(z.string().min(3)), browser: z.array(z.string().min(3)) }).strict()
    .default({ mining: [], browser: [] }),
}).strict();

export const PoolsFileSchema = z.object({
  ports: z.object({
    playbook: z.array(z.number().int()),
    known: z.array(z.number().int()),
    crypto_nodes: z.array(z.object({ port: z.number().int().min(1).max(65535), network: z.string().min(1) }).strict()).default([]),
  }).strict(),
  label_hints: z.array(z.string()),
  pools: z.array(z.object({ domain: z.string(), label: z.string() }).strict()),
  donation: z.array(z.string()),
  browser_miners: z.array(z.string()),
  allowlist: z.array(z.string()),
}).strict();

export const CloudFileSchema = z.object({
  finding_types: z.array(z.object({
    provider: z.enum(["aws", "azure", "gcp"]),
    type: z.string(),
    title: z.string(),
    severity: z.enum(["low", "medium", "high", "critical"]),
    mining: z.boolean(),
  }).strict()),
  instance_families: z.object({
    gpu: z.object({ aws: z.array(z.string()), azure: z.array(z.string()), gcp: z.array(z.string()) }).strict(),
    compute_sizes: z.array(z.string()),
  }).strict(),
  compute_services: z.array(z.string().min(2)).default([]),
}).strict();

export const HostsFileSchema = z.object({
  masquerade_names: z.array(z.string()),
  campaign_process_names: z.array(z.string()),
  drop_paths: z.array(z.string()),
  service_programs: z.array(z.string()),
  gpu_workload_hosts: z.array(z.string().min(1)).default([]),
}).strict();

/** data/intel/campaigns.yaml: indicators of named campaigns, each with the reports they come from. */
export const CampaignsFileSchema = z.object({
  campaigns: z.array(z.object({
    name: z.string().min(1),
    references: z.array(z.string().min(1)).min(1),
    checked: z.enum(["src", "common"]),
    process_names: z.array(z.string().min(1)),
    drop_paths: z.array(z.string().min(2)),
    command_fragments: z.array(z.string().min(4)),
    domains: z.array(z.string().min(3)),
    kill_targets: z.array(z.string().min(2)),
    kill_scripts: z.array(z.string().min(4)),
  }).strict()),
}).strict();

/** data/intel/windows.yaml: names Windows miner campaigns give their scheduled tasks and services. */
const WindowsPersistenceEntry = z.object({
  name: z.string().min(1),
  prefix: z.boolean().optional(),
  weak: z.boolean().optional(),
  campaign: z.string(),
  source: z.string().min(1),
}).strict();
export const WindowsFileSchema = z.object({
  scheduled_tasks: z.array(WindowsPersistenceEntry),
  services: z.array(WindowsPersistenceEntry),
}).strict();

/** A list saved by `minerhunt intel import`. */
export const ImportedFileSchema = z.object({
  name: z.string(),
  source: z.string(),
  importedAt: z.string(),
  confidence: z.number().min(0).max(1),
  domains: z.array(z.string()),
  ips: z.array(z.object({ address: z.string(), ports: z.array(z.number().int()).optional() })),
});
export type ImportedFile = z.infer<typeof ImportedFileSchema>;
