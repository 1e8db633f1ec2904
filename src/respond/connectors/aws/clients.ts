/**
 * Builds AwsClients: SDK v3 clients made on first use and kept per service and region. Credentials come from
 * the SDK's default chain (environment, profile, SSO, instance role) unless given; `endpoint` points every
 * client at one URL (`minerhunt lab`). Retries use the SDK's adaptive mode: exponential backoff with jitter
 * on throttling (RequestLimitExceeded, Throttling) plus a client-side rate limiter that slows down after one.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { BudgetsClient } from "@aws-sdk/client-budgets";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { EC2Client } from "@aws-sdk/client-ec2";
import { GuardDutyClient } from "@aws-sdk/client-guardduty";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsClients } from "./types.js";

export interface AwsClientOptions {
  /** Default: AWS_REGION, else us-east-1. */
  homeRegion?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per call including the first (default 5). */
  maxAttempts?: number;
  /** Default "adaptive". */
  retryMode?: "standard" | "adaptive";
}

interface Destroyable { destroy(): void }

export function createAwsClients(opts: AwsClientOptions = {}): AwsClients {
  const homeRegion = opts.homeRegion ?? process.env.AWS_REGION ?? "us-east-1";
  const cache = new Map<string, Destroyable>();
  const config = (region: string) => ({
    region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: opts.maxAttempts ?? 5,
    retryMode: opts.retryMode ?? "adaptive",
  });
  function get<T extends Destroyable>(service: string, region: string, make: (c: ReturnType<typeof config>) => T): T {
    const key = `${service}:${region}`;
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make(config(region));
      cache.set(key, client);
    }
    return client;
  }
  let account: Promise<string> | undefined;
  const clients: AwsClients = {
    kind: "aws",
    homeRegion,
    endpoint: opts.endpoint,
    ec2: (region) => get("ec2", region, (c) => new EC2Client(c)),
    autoScaling: (region) => get("autoscaling", region, (c) => new AutoScalingClient(c)),
    cloudTrail: (region) => get("cloudtrail", region, (c) => new CloudTrailClient(c)),
    guardDuty: (region) => get("guardduty", region, (c) => new GuardDutyClient(c)),
    iam: () => get("iam", homeRegion, (c) => new IAMClient(c)),
    sts: () => get("sts", homeRegion, (c) => new STSClient(c)),
    budgets: () => get("budgets", homeRegion, (c) => new BudgetsClient(c)),
    organizations: () => get("organizations", homeRegion, (c) => new OrganizationsClient(c)),
    accountId: () => {
      account ??= clients.sts().send(new GetCallerIdentityCommand({})).then((r) => {
        if (!r.Account) throw new Error("aws: GetCallerIdentity returned no account");
        return r.Account;
      });
      return account;
    },
    destroy: () => {
      for (const c of cache.values()) c.destroy();
      cache.clear();
    },
  };
  return clients;
}

/** A short message for an SDK error: its code (name) and message, e.g. "UnauthorizedOperation: You are not...". */
export function awsErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const name = e.name && e.name !== "Error" ? e.name : undefined;
  const message = (e.message ?? String(err)).slice(0, 500);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

/** The SDK error's code ("DryRunOperation", "InvalidInstanceID.NotFound"), if any. */
export function awsErrorCode(err: unknown): string | undefined {
  const e = err as { name?: string; Code?: string };
  return e.Code ?? e.name;
}

/** A loopback endpoint is the lab (or another fake): it must never receive the real credential chain. */
export function isLoopbackEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`--endpoint: expected a URL such as http://127.0.0.1:4566, got "${url}"`);
  }
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/**
 * The clients the CLI and the server use: the default credential chain, or with `endpoint` every call sent
 * there (a loopback endpoint gets the lab's dummy keys). The respond core's client builder calls this.
 */
export function awsClientsFor(opts: { endpoint?: string; homeRegion?: string; labCredentials: AwsClientOptions["credentials"] }): AwsClients {
  const local = opts.endpoint !== undefined && isLoopbackEndpoint(opts.endpoint);
  return createAwsClients({ endpoint: opts.endpoint, homeRegion: opts.homeRegion, credentials: local ? opts.labCredentials : undefined });
}
