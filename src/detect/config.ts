/**
 * Thresholds and site knowledge (DetectConfig) and their defaults. The schema that checks a --config file is
 * in config-schema.ts (the compiler checks it gives exactly this type): this module stays free of zod, so a
 * scan without --config never loads it.
 */
import type { MetricHint } from "../sources/types.js";

export interface DetectConfig {
  cpu: {
    /** Percent (0-100) a host's CPU must stay over. */
    thresholdPct: number;
    /** Minutes it must stay over it. */
    sustainMinutes: number;
    /**
     * A gap between samples longer than this breaks a run (missing data is not "sustained"). Unset: 2.5 times
     * the series' own sampling step (detect/detectors/host/sustained.ts).
     */
    maxGapMinutes?: number | undefined;
  };
  gpu: {
    thresholdPct: number;
    sustainMinutes: number;
    /** Hosts (names or glob patterns like "ml-*") where GPU use is expected. */
    expectedHosts: string[];
  };
  billing: {
    /** A day is a spike when it exceeds median + k * MAD of the baseline (robust z-score). */
    robustZ: number;
    /** ...and exceeds the baseline median by at least this many USD (ignore cents). */
    minIncreaseUsd: number;
    /** Days of history the baseline needs before a spike can be called. */
    minBaselineDays: number;
    /** PB-31 escalation: billing over this (USD) goes to Finance + Cloud team. */
    escalateUsd: number;
  };
  cloudtrail: {
    /** RunInstances in at least this many regions within the window is a burst. */
    burstRegions: number;
    burstWindowMinutes: number;
  };
  /**
   * The organisation's own address ranges (CIDR). A cloud launch burst whose every call came from here, in a
   * console session, is tagged so PB-31's insider escalation (CISO + HR) can fire when nothing says the
   * credentials were stolen.
   */
  orgNetworks: string[];
  /** Correlation: findings about one account join if within this many hours. */
  correlationWindowHours: number;
  /** Host type by name pattern (glob) for PB-31's priority table. First match wins. */
  hostTypes: { match: string; type: "production" | "cloud-instance" | "workstation" | "dev-test" }[];
  /**
   * Hints per input file (glob on the file name, or on the whole path when the pattern has a "/"), first match
   * wins: `metric` says what an unnamed metric series measures, as `scan --metric` does for every file.
   */
  inputs: { match: string; metric?: MetricHint | undefined }[];
  /**
   * What is never a finding at this site (detect/allowlist.ts, applied after detection to every rule):
   * domains (and names under them), IPs or CIDRs, process names, host names and image repositories
   * (globs such as "ml-*").
   */
  allowlist: { domains: string[]; ips: string[]; processes: string[]; hosts: string[]; images: string[] };
  /**
   * Response (respond/protect.ts): targets no plan may touch, besides PID 1, minerhunt itself and its parent,
   * and the allowlisted hosts: host names, instance ids, account ids, access key ids, namespaces (globs).
   */
  respond: { protect: string[] };
}

/**
 * The defaults, a fresh copy each call (callers may change theirs). They are PB-31's own numbers ("High CPU
 * sustained > 80% for 30 min", "GPU utilization spike: unexpected > 60%", "Billing > $1,000"); the schema
 * takes every default from here, and a --config file overrides them.
 */
export function defaultConfig(): DetectConfig {
  return {
    cpu: { thresholdPct: 80, sustainMinutes: 30 },
    gpu: { thresholdPct: 60, sustainMinutes: 10, expectedHosts: [] },
    billing: { robustZ: 5, minIncreaseUsd: 50, minBaselineDays: 5, escalateUsd: 1000 },
    cloudtrail: { burstRegions: 2, burstWindowMinutes: 60 },
    orgNetworks: [],
    correlationWindowHours: 24,
    hostTypes: [],
    inputs: [],
    allowlist: { domains: [], ips: [], processes: [], hosts: [], images: [] },
    respond: { protect: [] },
  };
}
