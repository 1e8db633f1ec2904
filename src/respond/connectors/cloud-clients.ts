/**
 * Kubernetes, Azure and GCP clients from what the person gave (--kubeconfig/--context, --subscription,
 * --project). Async, and each SDK is imported only when asked for: loading @google-cloud/compute alone
 * takes seconds, and a `respond show` or a plan for a host incident should not pay for it.
 * The CLI (sweep, respond) and the server merge the result into ResponseContext.clients.
 */
import type { ClientOptions } from "../clients.js";
import type { ResponseClients } from "../types.js";

export type CloudClientOptions = Pick<ClientOptions, "kubeconfig" | "kubeContext" | "azureSubscriptions" | "gcpProjects"> & {
  /** Kubernetes from the default kubeconfig even when neither file nor context is named. */
  kubernetes?: boolean;
};

export async function connectClouds(o: CloudClientOptions): Promise<Partial<ResponseClients>> {
  const out: Partial<ResponseClients> = {};
  if (o.kubernetes === true || o.kubeconfig !== undefined || o.kubeContext !== undefined) {
    const { createKubernetesClient } = await import("./kubernetes/client.js");
    out.kubernetes = createKubernetesClient({ kubeconfig: o.kubeconfig, context: o.kubeContext });
  }
  if (o.azureSubscriptions !== undefined) {
    const { createAzureClients } = await import("./azure/client.js");
    out.azure = createAzureClients({ subscriptionIds: o.azureSubscriptions });
  }
  if (o.gcpProjects !== undefined && o.gcpProjects.length > 0) {
    const { createGcpClients } = await import("./gcp/client.js");
    out.gcp = createGcpClients({ projects: o.gcpProjects });
  }
  return out;
}
