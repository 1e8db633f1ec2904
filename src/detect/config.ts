import { z } from "zod";
import { METRIC_HINTS } from "../sources/types.js";
import { parseCidr } from "./sigma/cidr.js";

/** An IP address or a CIDR network ("10.0.0.0/8", "fd00::/8"): refused with the reason, never ignored. */
const ipNetwork = z.string().superRefine((value, ctx) => {
  try {
    parseCidr(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `expected an IP address or a CIDR network such as 10.0.0.0/8: ${(err as Error).message}` });
  }
});

/**
 * Thresholds and site knowledge. Defaults are PB-31's own numbers ("High CPU sustained > 80% for
 * 30 min", "GPU utilization spike: unexpected > 60%", "Billing > $1,000"); --config FILE overrides.
 */
export const DetectConfigSchema = z.strictObject({
  cpu: z.strictObject({
    /** Percent (0-100) a host's CPU must stay over. */
    thresholdPct: z.number().min(0).max(100).default(80),
    /** Minutes it must stay over it. */
    sustainMinutes: z.number().positive().default(30),
    /** A gap between samples longer than this breaks a run (missing data is not "sustained"). */
    maxGapMinutes: z.number().positive().default(10),
  }).default({ thresholdPct: 80, sustainMinutes: 30, maxGapMinutes: 10 }),
  gpu: z.strictObject({
    thresholdPct: z.number().min(0).max(100).default(60),
    sustainMinutes: z.number().positive().default(10),
    /** Hosts (names or glob patterns like "ml-*") where GPU use is expected. */
    expectedHosts: z.array(z.string()).default([]),
  }).default({ thresholdPct: 60, sustainMinutes: 10, expectedHosts: [] }),
  billing: z.strictObject({
    /** A day is a spike when it exceeds median + k * MAD of the baseline (robust z-score). */
    robustZ: z.number().positive().default(5),
    /** ...and exceeds the baseline median by at least this many USD (ignore cents). */
    minIncreaseUsd: z.number().nonnegative().default(50),
    /** Days of history the baseline needs before a spike can be called. */
    minBaselineDays: z.number().int().positive().default(5),
    /** PB-31 escalation: billing over this (USD) goes to Finance + Cloud team. */
    escalateUsd: z.number().nonnegative().default(1000),
  }).default({ robustZ: 5, minIncreaseUsd: 50, minBaselineDays: 5, escalateUsd: 1000 }),
  cloudtrail: z.strictObject({
    /** RunInstances in at least this many regions within the window is a burst. */
    burstRegions: z.number().int().positive().default(2),
    burstWindowMinutes: z.number().positive().default(60),
  }).default({ burstRegions: 2, burstWindowMinutes: 60 }),
  /**
   * The organisation's own address ranges (CIDR). A cloud launch burst whose every call came from here, in a
   * console session, is tagged so PB-31's insider escalation (CISO + HR) can fire when nothing says the
   * credentials were stolen.
   */
  orgNetworks: z.array(ipNetwork).default([]),
  /** Correlation: findings about one account join if within this many hours. */
  correlationWindowHours: z.number().positive().default(24),
  /** Host type by name pattern (glob) for PB-31's priority table. First match wins. */
  hostTypes: z.array(z.strictObject({
    match: z.string(),
    type: z.enum(["production", "cloud-instance", "workstation", "dev-test"]),
  })).default([]),
  /**
   * Hints per input file (glob on the file name, or on the whole path when the pattern has a "/"), first match
   * wins: `metric` says what an unnamed metric series measures, as `scan --metric` does for every file.
   */
  inputs: z.array(z.strictObject({
    match: z.string().min(1),
    metric: z.enum(METRIC_HINTS).optional(),
  })).default([]),
  /**
   * What is never a finding at this site (detect/allowlist.ts, applied after detection to every rule):
   * domains (and names under them), IPs or CIDRs, process names, host names and image repositories
   * (globs such as "ml-*").
   */
  allowlist: z.strictObject({
    domains: z.array(z.string()).default([]),
    ips: z.array(ipNetwork).default([]),
    processes: z.array(z.string()).default([]),
    hosts: z.array(z.string()).default([]),
    images: z.array(z.string()).default([]),
  }).default({ domains: [], ips: [], processes: [], hosts: [], images: [] }),
  /**
   * Response (respond/protect.ts): targets no plan may touch, besides PID 1, minerhunt itself and its parent,
   * and the allowlisted hosts: host names, instance ids, account ids, access key ids, namespaces (globs).
   */
  respond: z.strictObject({
    protect: z.array(z.string().min(1)).default([]),
  }).default({ protect: [] }),
});
export type DetectConfig = z.infer<typeof DetectConfigSchema>;

export function defaultConfig(): DetectConfig {
  return DetectConfigSchema.parse({});
}
