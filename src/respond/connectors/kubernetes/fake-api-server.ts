/**
 * A fake Kubernetes API server on 127.0.0.1 for tests and game days: node:http, JSON, the real REST paths
 * (/api/v1/pods, /api/v1/namespaces/{ns}/pods/{name}, /apis/apps/v1/deployments, /apis/batch/v1/cronjobs,
 * /apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies ...), bearer-token auth, real Status bodies
 * (NotFound 404, AlreadyExists 409, Unauthorized 401, Forbidden 403), and the garbage collector's part that
 * matters for response: DELETE with propagationPolicy Background/Foreground removes the dependents
 * (objects whose ownerReferences name the deleted uid), Orphan keeps them. As on a real server, a Job
 * deleted through the API with no policy orphans its pods (batch/v1's default), everything else cascades.
 * No controllers run: re-creating a Deployment makes no pods here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

/** An object as the API server keeps it (plain JSON). */
export interface FakeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[]; [k: string]: unknown };
  [k: string]: unknown;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

interface ResourceInfo { group: string; version: string; plural: string; kind: string; namespaced: boolean }

const RESOURCES: readonly ResourceInfo[] = [
  { group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false },
  { group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true },
  { group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true },
  { group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true },
  { group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true },
  { group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true },
  { group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true },
  { group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true },
  { group: "networking.k8s.io", version: "v1", plural: "networkpolicies", kind: "NetworkPolicy", namespaced: true },
  { group: "cilium.io", version: "v2", plural: "ciliumnetworkpolicies", kind: "CiliumNetworkPolicy", namespaced: true },
];

function apiVersionOf(r: ResourceInfo): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

export interface FakeKubernetesOptions {
  /** Required bearer token; requests without it get 401. */
  token: string;
  /** Refuse (403) the requests this returns true for, to test RBAC failures. */
  forbid?: (req: FakeRequest) => boolean;
}

export class FakeKubernetesApi {
  /** Every request served, in order (for asserting what was called). */
  readonly requests: FakeRequest[] = [];
  private readonly objects = new Map<string, FakeObject>(); // "<apiVersion>/<plural>/<ns>/<name>"
  private resourceVersion = 1000;
  private server?: Server;

  constructor(private readonly opts: FakeKubernetesOptions) {}

  /** Store an object as if it had been created (uid and resourceVersion are filled in when missing). */
  seed(obj: FakeObject): FakeObject {
    const r = RESOURCES.find((x) => apiVersionOf(x) === obj.apiVersion && x.kind === obj.kind);
    if (!r) throw new Error(`fake kubernetes: unknown kind ${obj.apiVersion} ${obj.kind}`);
    const stored = structuredClone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.resourceVersion = String(++this.resourceVersion);
    stored.metadata["creationTimestamp"] ??= "2026-12-01T03:04:05Z";
    this.objects.set(this.key(r, stored.metadata.namespace ?? "", stored.metadata.name), stored);
    return stored;
  }

  /** The stored object, or undefined. */
  get(kind: string, namespace: string, name: string): FakeObject | undefined {
    const r = RESOURCES.find((x) => x.kind === kind);
    return r ? this.objects.get(this.key(r, r.namespaced ? namespace : "", name)) : undefined;
  }

  all(kind?: string): FakeObject[] {
    return [...this.objects.values()].filter((o) => kind === undefined || o.kind === kind);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private key(r: ResourceInfo, ns: string, name: string): string {
    return `${apiVersionOf(r)}/${r.plural}/${ns}/${name}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: FakeRequest = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams) };
    this.requests.push(request);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      if (req.headers.authorization !== `Bearer ${this.opts.token}`) return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
      if (this.opts.forbid?.(request)) return send(res, 403, status(403, "Forbidden", `${request.method} ${request.path} is forbidden`));
      const route = parsePath(url.pathname);
      if (!route) return send(res, 404, status(404, "NotFound", `the server could not find the requested resource (${url.pathname})`));
      const body = text ? JSON.parse(text) as Record<string, unknown> : undefined;
      this.route(request, route, body, res);
    } catch (err) {
      send(res, 500, status(500, "InternalError", (err as Error).message));
    }
  }

  private route(request: FakeRequest, route: Route, body: Record<string, unknown> | undefined, res: ServerResponse): void {
    const { r, ns, name } = route;
    const listKind = `${r.kind}List`;
    if (name === undefined) {
      if (request.method === "GET") {
        const items = [...this.objects.values()]
          .filter((o) => o.apiVersion === apiVersionOf(r) && o.kind === r.kind && (ns === undefined || o.metadata.namespace === ns))
          .map((o) => { const { apiVersion: _a, kind: _k, ...rest } = o; return rest; }); // list items carry no kind, as on a real server
        // limit/continue paging as the API server does it (the continue token is opaque to clients).
        const limit = Number(request.query["limit"] ?? "0");
        const start = request.query["continue"] ? Number(Buffer.from(request.query["continue"], "base64url").toString()) : 0;
        const page = limit > 0 ? items.slice(start, start + limit) : items;
        const metadata: Record<string, unknown> = { resourceVersion: String(this.resourceVersion) };
        if (limit > 0 && start + limit < items.length) metadata["continue"] = Buffer.from(String(start + limit)).toString("base64url");
        return send(res, 200, { apiVersion: apiVersionOf(r), kind: listKind, metadata, items: page });
      }
      if (request.method === "POST") return this.create(r, ns ?? "", body, res);
      return send(res, 405, status(405, "MethodNotAllowed", `${request.method} not allowed on a collection`));
    }
    const k = this.key(r, ns ?? "", name);
    const existing = this.objects.get(k);
    if (!existing) return send(res, 404, status(404, "NotFound", `${r.plural}${r.group ? "." + r.group : ""} "${name}" not found`, { name, group: r.group, kind: r.plural }));
    if (request.method === "GET") return send(res, 200, existing);
    if (request.method === "PUT") {
      const obj = body as unknown as FakeObject;
      if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== existing.metadata.resourceVersion) {
        return send(res, 409, status(409, "Conflict", `Operation cannot be fulfilled on ${r.plural} "${name}": the object has been modified`));
      }
      const next = { ...obj, metadata: { ...obj.metadata, uid: existing.metadata.uid, resourceVersion: String(++this.resourceVersion) } };
      this.objects.set(k, next);
      return send(res, 200, next);
    }
    if (request.method === "DELETE") {
      const options = body ?? {};
      const policy = request.query["propagationPolicy"] ?? (options["propagationPolicy"] as string | undefined) ?? (r.kind === "Job" ? "Orphan" : "Background");
      this.objects.delete(k);
      this.collect(existing.metadata.uid!, policy);
      return send(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, group: r.group, kind: r.plural, uid: existing.metadata.uid } });
    }
    return send(res, 405, status(405, "MethodNotAllowed", `${request.method} not allowed`));
  }

  private create(r: ResourceInfo, ns: string, body: Record<string, unknown> | undefined, res: ServerResponse): void {
    const obj = body as unknown as FakeObject | undefined;
    if (!obj?.metadata?.name) return send(res, 422, status(422, "Invalid", `${r.kind} is invalid: metadata.name: Required value`));
    if (obj.metadata.resourceVersion) return send(res, 422, status(422, "Invalid", "resourceVersion should not be set on objects to be created"));
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== ns) return send(res, 400, status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request"));
    const k = this.key(r, ns, obj.metadata.name);
    if (this.objects.has(k)) return send(res, 409, status(409, "AlreadyExists", `${r.plural} "${obj.metadata.name}" already exists`));
    const stored: FakeObject = {
      ...obj, apiVersion: apiVersionOf(r), kind: r.kind,
      metadata: { ...obj.metadata, namespace: r.namespaced ? ns : undefined, uid: randomUUID(), resourceVersion: String(++this.resourceVersion), creationTimestamp: new Date().toISOString() },
    };
    this.objects.set(k, stored);
    send(res, 201, stored);
  }

  /** The garbage collector: dependents of a deleted owner go too (Background/Foreground) or lose the reference (Orphan). */
  private collect(ownerUid: string, policy: string): void {
    for (const [k, o] of [...this.objects]) {
      const refs = o.metadata.ownerReferences ?? [];
      if (!refs.some((ref) => ref.uid === ownerUid)) continue;
      if (policy === "Orphan") {
        o.metadata.ownerReferences = refs.filter((ref) => ref.uid !== ownerUid);
        continue;
      }
      this.objects.delete(k);
      this.collect(o.metadata.uid!, "Background");
    }
  }
}

interface Route { r: ResourceInfo; ns?: string; name?: string }

function parsePath(path: string): Route | undefined {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group = "";
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === "api") { version = parts[1]; rest = parts.slice(2); }
  else if (parts[0] === "apis") { group = parts[1] ?? ""; version = parts[2]; rest = parts.slice(3); }
  else return undefined;
  const find = (plural: string | undefined) => RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const r = find(rest[2]);
    return r?.namespaced && rest.length <= 4 ? { r, ns: rest[1], name: rest[3] } : undefined;
  }
  const r = find(rest[0]);
  if (!r || rest.length > 2) return undefined;
  return { r, name: rest[1] };
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, details, code };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
