/**
 * The GCP connector's client handle, passed in through ResponseContext.clients.gcp: @google-cloud/compute
 * clients (REST transport) and the projects to sweep, built by client.ts.
 */
import type { InstancesClient, ZoneOperationsClient } from "@google-cloud/compute";

export interface GcpClients {
  readonly kind: "gcp";
  /** Projects to sweep (GCP has no "every project" call a compute-scoped credential can rely on). */
  readonly projects: readonly string[];
  readonly instances: InstancesClient;
  readonly zoneOperations: ZoneOperationsClient;
  /** Where the calls go ("https://compute.googleapis.com"), as plans show it. */
  readonly endpoint: string;
}
