/**
 * The schema of --config files (detect/config.ts holds the type and the defaults). Apart from config.ts so that
 * a scan without --config never loads zod (pipeline/run.ts imports this module only when a file is given).
 */
import { z } from "zod";
import { METRIC_HINTS } from "../sources/types.js";
import { defaultConfig, type DetectConfig } from "./config.js";
import { parseCidr } from "./sigma/cidr.js";

/** The defaults, once: every `.default` below reads them, so the schema and defaultConfig() cannot disagree. */
const D = defaultConfig();

/** An IP address or a CIDR network ("10.0.0.0/8", "fd00::/8"): refused with the reason, never ignored. */
const ipNetwork = z.string().superRefine((value, ctx) => {
  try {
    parseCidr(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `expected an IP address or a CIDR network such as 10.0.0.0/8: ${(err as Error).message}` });
  }
});

/**
 * A --config file: every setting optional (defaults from defaultConfig()), unknown keys refused. What each
 * setting means is written on the DetectConfig interface (config.ts); the compiler checks the two agree.
 */
export const DetectConfigSchema = z.strictObject({
  cpu: z.strictObject({
    thresholdPct: z.number().min(0).max(100).default(D.cpu.thresholdPct),
    sustainMinutes: z.number().positive().default(D.cpu.sustainMinutes),
    maxGapMinutes: z.number().positive().optional(),
  }).default(() => defaultConfig().cpu),
  gpu: z.strictObject({
    thresholdPct: z.number().min(0).max(100).default(D.gpu.thresholdPct),
    sustainMinutes: z.number().positive().default(D.gpu.sustainMinutes),
    expectedHosts: z.array(z.string()).default([]),
  }).default(() => defaultConfig().gpu),
  billing: z.strictObject({
    robustZ: z.number().positive().default(D.billing.robustZ),
    minIncreaseUsd: z.number().nonnegative().default(D.billing.minIncreaseUsd),
    minBaselineDays: z.number().int().positive().default(D.billing.minBaselineDays),
    escalateUsd: z.number().nonnegative().default(D.billing.escalateUsd),
  }).default(() => defaultConfig().billing),
  cloudtrail: z.strictObject({
    burstRegions: z.number().int().positive().default(D.cloudtrail.burstRegions),
    burstWindowMinutes: z.number().positive().default(D.cloudtrail.burstWindowMinutes),
  }).default(() => defaultConfig().cloudtrail),
  orgNetworks: z.array(ipNetwork).default([]),
  correlationWindowHours: z.number().positive().default(D.correlationWindowHours),
  hostTypes: z.array(z.strictObject({
    match: z.string(),
    type: z.enum(["production", "cloud-instance", "workstation", "dev-test"]),
  })).default([]),
  inputs: z.array(z.strictObject({
    match: z.string().min(1),
    metric: z.enum(METRIC_HINTS).optional(),
  })).default([]),
  allowlist: z.strictObject({
    domains: z.array(z.string()).default([]),
    ips: z.array(ipNetwork).default([]),
    processes: z.array(z.string()).default([]),
    hosts: z.array(z.string()).default([]),
    images: z.array(z.string()).default([]),
  }).default(() => defaultConfig().allowlist),
  respond: z.strictObject({
    protect: z.array(z.string().min(1)).default([]),
  }).default(() => defaultConfig().respond),
});

/** What a config file may hold (every key optional). */
export type DetectConfigInput = z.input<typeof DetectConfigSchema>;

/** The parsed schema and DetectConfig must be the same type: a setting added to one and not the other fails to compile. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const sameShape: Same<z.output<typeof DetectConfigSchema>, DetectConfig> = true;
void sameShape;
