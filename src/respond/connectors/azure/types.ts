/**
 * The Azure connector's client handle, passed in through ResponseContext.clients.azure: SDK clients
 * (@azure/arm-compute, @azure/arm-resources-subscriptions) per subscription, built by client.ts with the
 * credential and, for tests, an endpoint override.
 */
import type { ComputeManagementClient } from "@azure/arm-compute";
import type { SubscriptionClient } from "@azure/arm-resources-subscriptions";

export interface AzureClients {
  readonly kind: "azure";
  /** Subscriptions to sweep; empty: every enabled subscription the credential can list. */
  readonly subscriptionIds: readonly string[];
  compute(subscriptionId: string): ComputeManagementClient;
  subscriptions(): SubscriptionClient;
  /** Where the calls go ("https://management.azure.com"), as plans show it. */
  readonly endpoint: string;
  /** Long-running operation poll interval in ms (SDK default when unset; tests set it low). */
  readonly pollIntervalMs?: number;
}
