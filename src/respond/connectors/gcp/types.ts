/**
 * The GCP connector's client handle, passed in through ResponseContext.clients.gcp: @google-cloud/compute
 * clients (REST transport) and the projects to sweep, built by client.ts.
 *
 * The SDK's own types are not imported: they are 788,000 lines of generated protobuf declarations (more
 * than half of everything `tsc` read for the whole project, and most of its time and memory). What
 * follows is the part of the Compute API this connector calls, as the SDK's REST transport returns it;
 * gcp.test.ts runs that part of the real SDK against a fake Compute API, so a shape that drifts fails there.
 */

/** compute.v1.Instance, the fields a sweep reads. */
export interface GcpInstance {
  name?: string | null;
  id?: string | number | null;
  zone?: string | null;
  machineType?: string | null;
  status?: string | null;
  creationTimestamp?: string | null;
  labels?: Record<string, string> | null;
  metadata?: { items?: { key?: string | null; value?: string | null }[] | null } | null;
  guestAccelerators?: { acceleratorCount?: number | null; acceleratorType?: string | null }[] | null;
}

/** compute.v1.Operation, the fields waiting for one reads. */
export interface GcpOperation {
  name?: string | null;
  status?: string | number | null;
  error?: { errors?: { code?: string | null; message?: string | null }[] | null } | null;
}

/** One page of instances.aggregatedList for one scope ("zones/europe-west1-b"). */
export interface GcpInstancesScopedList {
  instances?: GcpInstance[] | null;
  warning?: { code?: string | number | null; message?: string | null } | null;
}

export interface GcpInstanceRef { project: string; zone: string; instance: string }

/** A started long-running operation: the SDK gives the first state of the Operation as latestResponse. */
export interface GcpLongRunning { latestResponse: unknown }

/** InstancesClient, the calls this connector makes (each SDK call resolves to [response, ...]). */
export interface GcpInstancesApi {
  aggregatedListAsync(request: { project: string; returnPartialSuccess?: boolean; maxResults?: number }): AsyncIterable<[string, GcpInstancesScopedList]>;
  get(request: GcpInstanceRef): Promise<[GcpInstance, ...unknown[]]>;
  stop(request: GcpInstanceRef): Promise<[GcpLongRunning, ...unknown[]]>;
  start(request: GcpInstanceRef): Promise<[GcpLongRunning, ...unknown[]]>;
  delete(request: GcpInstanceRef): Promise<[GcpLongRunning, ...unknown[]]>;
  close(): Promise<void>;
}

/** ZoneOperationsClient, the call this connector makes. */
export interface GcpZoneOperationsApi {
  wait(request: { project: string; zone: string; operation: string }): Promise<[GcpOperation, ...unknown[]]>;
  close(): Promise<void>;
}

export interface GcpClients {
  readonly kind: "gcp";
  /** Projects to sweep (GCP has no "every project" call a compute-scoped credential can rely on). */
  readonly projects: readonly string[];
  readonly instances: GcpInstancesApi;
  readonly zoneOperations: GcpZoneOperationsApi;
  /** Where the calls go ("https://compute.googleapis.com"), as plans show it. */
  readonly endpoint: string;
}
