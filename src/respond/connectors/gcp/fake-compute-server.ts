/**
 * A fake Compute Engine API on http://127.0.0.1 for tests: the REST paths and JSON the SDK's REST transport
 * uses (instances aggregatedList with pageToken paging and per-zone warnings, get, stop, start, delete
 * returning zone Operations, operations wait), Google error bodies ({"error": {"code", "message",
 * "errors": [{"reason"}]}}), bearer-token check, and projects that answer 403.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeInstance {
  project: string;
  zone: string;
  name: string;
  id: string;
  machineType: string;
  status: "RUNNING" | "STOPPING" | "TERMINATED" | "SUSPENDED";
  labels?: Record<string, string>;
  metadata?: Record<string, string>;
  accelerators?: { type: string; count: number }[];
}

const API = "https://www.googleapis.com/compute/v1";

export class FakeCompute {
  readonly requests: { method: string; path: string }[] = [];
  readonly instances: FakeInstance[] = [];
  /** Zones listed per project (those with no instance answer NO_RESULTS_ON_PAGE). */
  readonly zones = ["us-central1-a", "us-central1-b", "europe-west4-a", "asia-east1-c"];
  readonly forbidden = new Set<string>();
  /** A zone that answers with an UNREACHABLE warning in the aggregated list. */
  unreachableZone?: string;
  /** Zones per page of the aggregated list (pageToken paging). */
  zonesPerPage = 2;
  private server?: Server;
  private ops = 0;

  constructor(private readonly token: string) {}

  async listen(): Promise<{ host: string; port: number }> {
    this.server = createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return { host: "127.0.0.1", port: (this.server.address() as AddressInfo).port };
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  instance(name: string): FakeInstance | undefined {
    return this.instances.find((i) => i.name === name);
  }

  private json(i: FakeInstance): Record<string, unknown> {
    const zoneUrl = `${API}/projects/${i.project}/zones/${i.zone}`;
    return {
      kind: "compute#instance", id: i.id, creationTimestamp: "2026-12-03T14:10:41.123-08:00", name: i.name,
      machineType: `${zoneUrl}/machineTypes/${i.machineType}`, status: i.status, zone: zoneUrl,
      canIpForward: false,
      networkInterfaces: [{ kind: "compute#networkInterface", network: `${API}/projects/${i.project}/global/networks/default`, networkIP: "10.128.0.7", name: "nic0" }],
      disks: [{ kind: "compute#attachedDisk", type: "PERSISTENT", mode: "READ_WRITE", source: `${zoneUrl}/disks/${i.name}`, deviceName: "persistent-disk-0", index: 0, boot: true, autoDelete: true }],
      metadata: { kind: "compute#metadata", fingerprint: "rxK2aT3YhB8=", items: Object.entries(i.metadata ?? {}).map(([key, value]) => ({ key, value })) },
      labels: i.labels ?? {},
      guestAccelerators: (i.accelerators ?? []).map((a) => ({ acceleratorType: `${zoneUrl}/acceleratorTypes/${a.type}`, acceleratorCount: a.count })),
      scheduling: { onHostMaintenance: i.accelerators?.length ? "TERMINATE" : "MIGRATE", automaticRestart: true, preemptible: false },
      selfLink: `${zoneUrl}/instances/${i.name}`,
    };
  }

  private operation(i: { project: string; zone: string; name: string }, type: string, status: "RUNNING" | "DONE"): Record<string, unknown> {
    const zoneUrl = `${API}/projects/${i.project}/zones/${i.zone}`;
    return {
      kind: "compute#operation", id: String(7000000000000000000n + BigInt(++this.ops)), name: `operation-1733330000000-${type}-${this.ops}`,
      zone: zoneUrl, operationType: type, targetLink: `${zoneUrl}/instances/${i.name}`, status, progress: status === "DONE" ? 100 : 0,
      insertTime: "2026-12-04T09:00:00.000-08:00", selfLink: `${zoneUrl}/operations/operation-${this.ops}`,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname });
    for await (const _ of req) { /* drain */ }
    const send = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(code, { "content-type": "application/json; charset=UTF-8" });
      res.end(text);
    };
    const error = (code: number, reason: string, message: string) => send(code, { error: { code, message, errors: [{ message, domain: "global", reason }] } });
    if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, "authError", "Request had invalid authentication credentials.");
    const path = url.pathname;
    const project = /^\/compute\/v1\/projects\/([^/]+)\//.exec(path)?.[1];
    if (project && this.forbidden.has(project)) return error(403, "forbidden", `Required 'compute.instances.list' permission for 'projects/${project}'`);

    if (method === "GET" && path === `/compute/v1/projects/${project}/aggregated/instances`) {
      const start = Number(url.searchParams.get("pageToken") ?? "0");
      const zones = this.zones.slice(start, start + this.zonesPerPage);
      const items: Record<string, unknown> = {};
      for (const z of zones) {
        const here = this.instances.filter((i) => i.project === project && i.zone === z);
        if (z === this.unreachableZone) items[`zones/${z}`] = { warning: { code: "UNREACHABLE", message: `Scope 'zones/${z}' is unreachable.`, data: [{ key: "scope", value: `zones/${z}` }] } };
        else if (here.length) items[`zones/${z}`] = { instances: here.map((i) => this.json(i)) };
        else items[`zones/${z}`] = { warning: { code: "NO_RESULTS_ON_PAGE", message: "There are no results for scope 'zones/" + z + "' on this page.", data: [{ key: "scope", value: `zones/${z}` }] } };
      }
      const body: Record<string, unknown> = { kind: "compute#instanceAggregatedList", id: `projects/${project}/aggregated/instances`, items, selfLink: `${API}/projects/${project}/aggregated/instances` };
      if (start + this.zonesPerPage < this.zones.length) body["nextPageToken"] = String(start + this.zonesPerPage);
      return send(200, body);
    }
    const wait = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/operations\/([^/]+)\/wait$/.exec(path);
    if (wait && method === "POST") {
      const [, p, z, name] = wait;
      const type = /-(stop|start|delete)-/.exec(name!)?.[1] ?? "unknown";
      return send(200, { ...this.operation({ project: p!, zone: z!, name: "?" }, type, "DONE"), name });
    }
    const one = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+?)(?:\/(stop|start))?$/.exec(path);
    if (one) {
      const [, p, z, name, op] = one;
      const inst = this.instances.find((i) => i.project === p && i.zone === z && i.name === name);
      if (!inst) return error(404, "notFound", `The resource 'projects/${p}/zones/${z}/instances/${name}' was not found`);
      if (method === "GET" && !op) return send(200, this.json(inst));
      if (method === "POST" && op === "stop") { inst.status = "TERMINATED"; return send(200, this.operation(inst, "stop", "RUNNING")); }
      if (method === "POST" && op === "start") { inst.status = "RUNNING"; return send(200, this.operation(inst, "start", "RUNNING")); }
      if (method === "DELETE" && !op) { this.instances.splice(this.instances.indexOf(inst), 1); return send(200, this.operation(inst, "delete", "RUNNING")); }
    }
    return error(404, "notFound", `No route for ${method} ${path}`);
  }
}
