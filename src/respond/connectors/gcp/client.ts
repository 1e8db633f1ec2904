/**
 * Build GcpClients on the REST transport of @google-cloud/compute (fallback: true), with Application
 * Default Credentials unless an auth client is given. Tests point apiEndpoint/port/protocol at the fake
 * compute server on 127.0.0.1 and pass a fake auth client (an object with getRequestHeaders and fetch, the
 * two members the REST transport uses).
 */
import { createRequire } from "node:module";
import type { GcpClients, GcpInstancesApi, GcpZoneOperationsApi } from "./types.js";

/** The two SDK clients this connector builds, typed by what it calls (types.ts says why not the SDK's types). */
interface ComputeSdk {
  InstancesClient: new (options: object) => GcpInstancesApi;
  ZoneOperationsClient: new (options: object) => GcpZoneOperationsApi;
}

/** The module name is a variable so that tsc does not read the SDK's declarations (types.ts). */
const COMPUTE_SDK = "@google-cloud/compute";

export interface GcpClientOptions {
  projects: string[];
  /** Host name of the API; default compute.googleapis.com. */
  apiEndpoint?: string;
  port?: number;
  /** "https" (default) or "http" (only for a fake on loopback). */
  protocol?: "https" | "http";
  /** An auth client (google-auth-library shape); default: Application Default Credentials. */
  authClient?: unknown;
}

export function createGcpClients(opts: GcpClientOptions): GcpClients {
  if (opts.protocol === "http" && !["127.0.0.1", "localhost"].includes(opts.apiEndpoint ?? "")) {
    throw new Error(`gcp: refusing plain http to ${opts.apiEndpoint ?? "compute.googleapis.com"}: use https`);
  }
  const common: Record<string, string | number | boolean | object> = { fallback: true };
  if (opts.apiEndpoint) common["apiEndpoint"] = opts.apiEndpoint;
  if (opts.port) common["port"] = opts.port;
  if (opts.protocol) common["protocol"] = opts.protocol;
  if (opts.authClient) common["authClient"] = opts.authClient as object;
  const host = opts.apiEndpoint ?? "compute.googleapis.com";
  const { InstancesClient, ZoneOperationsClient } = createRequire(import.meta.url)(COMPUTE_SDK) as ComputeSdk;
  return {
    kind: "gcp",
    projects: opts.projects,
    instances: new InstancesClient(common),
    zoneOperations: new ZoneOperationsClient(common),
    endpoint: `${opts.protocol ?? "https"}://${host}${opts.port ? `:${opts.port}` : ""}`,
  };
}

/** An auth client that sends a fixed bearer token (tests and `minerhunt lab` only). */
export function staticTokenAuth(token: string): unknown {
  const authorization = `Bearer ${token}`;
  return {
    universeDomain: "googleapis.com",
    getRequestHeaders: async () => new Headers({ authorization }),
    fetch: (url: string | URL, init: { headers?: ConstructorParameters<typeof Headers>[0]; method?: string; body?: string | Buffer; signal?: AbortSignal } = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", authorization);
      return fetch(url, { method: init.method, headers, body: init.body, signal: init.signal });
    },
  };
}
