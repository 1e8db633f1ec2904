/**
 * Build AzureClients: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI)
 * unless a credential is given, and optionally an endpoint override with a CA to trust (the fake ARM
 * server of tests runs https on 127.0.0.1 with a self-signed certificate: the SDK's bearer-token policy
 * refuses plain http).
 */
import { ComputeManagementClient } from "@azure/arm-compute";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { DefaultAzureCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { AzureClients } from "./types.js";

export interface AzureClientOptions {
  subscriptionIds?: string[];
  credential?: TokenCredential;
  /** ARM endpoint; default https://management.azure.com. */
  endpoint?: string;
  /** PEM CA certificate(s) to trust for the endpoint (a lab's self-signed certificate). */
  ca?: string;
  pollIntervalMs?: number;
  /** Retries per call (SDK default 3). */
  maxRetries?: number;
}

const ARM = "https://management.azure.com";

export function createAzureClients(opts: AzureClientOptions = {}): AzureClients {
  const credential = opts.credential ?? new DefaultAzureCredential();
  const endpoint = opts.endpoint ?? ARM;
  const trustCa: PipelinePolicy | undefined = opts.ca === undefined ? undefined : {
    name: "minerhunt-trust-lab-ca",
    sendRequest: (request, next) => { request.tlsSettings = { ...request.tlsSettings, ca: opts.ca }; return next(request); },
  };
  const additionalPolicies = trustCa ? [{ policy: trustCa, position: "perCall" as const }] : [];
  const retryOptions = opts.maxRetries === undefined ? undefined : { maxRetries: opts.maxRetries };
  const computeClients = new Map<string, ComputeManagementClient>();
  let subscriptionClient: SubscriptionClient | undefined;
  return {
    kind: "azure",
    subscriptionIds: opts.subscriptionIds ?? [],
    endpoint,
    pollIntervalMs: opts.pollIntervalMs,
    compute(subscriptionId) {
      let c = computeClients.get(subscriptionId);
      if (!c) {
        c = new ComputeManagementClient(credential, subscriptionId, { endpoint, additionalPolicies, retryOptions, credentials: { scopes: [`${ARM}/.default`] } });
        computeClients.set(subscriptionId, c);
      }
      return c;
    },
    subscriptions() {
      subscriptionClient ??= new SubscriptionClient(credential, { endpoint, additionalPolicies, retryOptions, credentialScopes: [`${ARM}/.default`] });
      return subscriptionClient;
    },
  };
}
