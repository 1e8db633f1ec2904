/** Test helper: a fresh lab, AwsClients pointed at it, and a small price table (the interface respond/types.ts declares). */
import { LAB_CREDENTIALS, startLab, type LabServer, type StartLabOptions } from "../../lab/index.js";
import type { PriceTable } from "../../types.js";
import { createAwsClients } from "./clients.js";
import type { AwsClients } from "./types.js";

/** On-demand Linux USD per hour, us-east-1, as AWS lists them (2025); other regions use the same in the lab. */
export const LAB_PRICES: Record<string, number> = {
  "t3.micro": 0.0104, "t3.medium": 0.0416, "m5.large": 0.096, "c5.4xlarge": 0.68, "c5.9xlarge": 1.53, "c5.18xlarge": 3.06,
  "g4dn.xlarge": 0.526, "g4dn.2xlarge": 0.752, "p3.2xlarge": 3.06,
};

export const labPrices: PriceTable = {
  instanceUsdPerHour: (provider, type) => (provider === "aws" ? LAB_PRICES[type] : undefined),
};

export interface LabHarness { lab: LabServer; clients: AwsClients; close(): Promise<void> }

export async function withLab(opts: StartLabOptions = {}, clientOpts: { maxAttempts?: number } = {}): Promise<LabHarness> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const lab = await startLab(opts);
  const clients = createAwsClients({ endpoint: lab.url, credentials: LAB_CREDENTIALS, homeRegion: "us-east-1", ...clientOpts });
  return { lab, clients, close: async () => { clients.destroy(); await lab.close(); } };
}
