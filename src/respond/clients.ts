/**
 * ResponseClients from what the person gave on the command line (or the server's settings). Each connector
 * adds its own options and one builder below: the host connector its file-system root, AWS its profile,
 * regions and endpoint override (the lab), Kubernetes its kubeconfig... An action whose client is missing
 * plans a refused step, so a plan made without, say, AWS credentials still shows what would be done.
 */
import type { ResponseClients } from "./types.js";
import { createHostClient } from "./connectors/host/client.js";

export interface ClientOptions {
  /** File-system root the host connector acts under ("/" on the machine itself, a temporary root in tests). */
  hostRoot?: string;
  /**
   * Kubernetes, Azure and GCP (connectors/cloud-clients.ts connectClouds, async because their SDKs load slowly):
   * a kubeconfig file and/or context (either one selects Kubernetes; the default kubeconfig when only a context
   * is given), the Azure subscriptions ([] = every subscription the credential lists), the GCP projects.
   */
  kubeconfig?: string;
  kubeContext?: string;
  azureSubscriptions?: string[];
  gcpProjects?: string[];
}

type ClientBuilder = (options: ClientOptions) => Partial<ResponseClients>;

const BUILDERS: readonly ClientBuilder[] = [
  // The local host: its file-system root, the real /proc, this machine's name (connectors/host/client.ts).
  (o) => (o.hostRoot !== undefined ? { host: createHostClient({ fsRoot: o.hostRoot }) } : {}),
  // connectors: one builder each (aws, kubernetes, azure, gcp).
];

export function buildClients(options: ClientOptions = {}): ResponseClients {
  const clients: ResponseClients = {};
  for (const build of BUILDERS) Object.assign(clients, build(options));
  return clients;
}
