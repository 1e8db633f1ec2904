/**
 * A fake Azure Resource Manager on https://127.0.0.1 for tests: the real paths and JSON of Microsoft.Resources
 * subscriptions and Microsoft.Compute virtualMachines (list all with statusOnly and nextLink paging, get
 * with $expand=userData|instanceView, deallocate/start/delete as long-running operations answering 202 with
 * a Location to poll), ARM error bodies ({"error": {"code", "message"}}), bearer-token check, and
 * subscriptions that answer 403 AuthorizationFailed.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeVm {
  subscription: string;
  resourceGroup: string;
  name: string;
  location: string;
  vmSize: string;
  vmId: string;
  power: "running" | "stopped" | "deallocated";
  tags?: Record<string, string>;
  /** Plain text; served base64-encoded as the API does. */
  userData?: string;
}

export class FakeArm {
  readonly requests: { method: string; path: string }[] = [];
  readonly vms: FakeVm[] = [];
  /** Subscriptions listed by GET /subscriptions. */
  readonly subscriptions: string[] = [];
  /** Subscriptions whose VM calls answer 403. */
  readonly forbidden = new Set<string>();
  /** Page size of the list-all answer (nextLink paging). */
  pageSize = 2;
  private server?: Server;
  private base = "";

  constructor(private readonly tls: { key: string; cert: string }, private readonly token: string) {}

  async listen(): Promise<string> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.base = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  vm(name: string): FakeVm | undefined {
    return this.vms.find((v) => v.name === name);
  }

  private idOf(v: FakeVm): string {
    return `/subscriptions/${v.subscription}/resourceGroups/${v.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${v.name}`;
  }

  private json(v: FakeVm, expand: { userData?: boolean; instanceView?: boolean }): Record<string, unknown> {
    const properties: Record<string, unknown> = {
      vmId: v.vmId,
      hardwareProfile: { vmSize: v.vmSize },
      storageProfile: { osDisk: { osType: "Linux", name: `${v.name}_OsDisk_1`, createOption: "FromImage", caching: "ReadWrite", managedDisk: { storageAccountType: "Premium_LRS" } } },
      osProfile: { computerName: v.name, adminUsername: "azureuser", linuxConfiguration: { disablePasswordAuthentication: true }, allowExtensionOperations: true },
      networkProfile: { networkInterfaces: [{ id: `/subscriptions/${v.subscription}/resourceGroups/${v.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${v.name}-nic` }] },
      provisioningState: "Succeeded",
      timeCreated: "2026-12-03T22:10:41.1234567+00:00",
    };
    if (expand.userData && v.userData !== undefined) properties["userData"] = Buffer.from(v.userData).toString("base64");
    if (expand.instanceView) {
      properties["instanceView"] = {
        computerName: v.name, osName: "ubuntu", osVersion: "22.04",
        statuses: [
          { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time: "2026-12-03T22:12:00.0000000+00:00" },
          { code: `PowerState/${v.power}`, level: "Info", displayStatus: `VM ${v.power}` },
        ],
      };
    }
    return { name: v.name, id: this.idOf(v), type: "Microsoft.Compute/virtualMachines", location: v.location, tags: v.tags ?? {}, properties };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname });
    for await (const _ of req) { /* drain */ }
    const send = (code: number, body?: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? "" : JSON.stringify(body);
      res.writeHead(code, { "content-type": "application/json; charset=utf-8", "x-ms-request-id": "00000000-0000-0000-0000-000000000001", ...headers });
      res.end(text);
    };
    const error = (code: number, errCode: string, msg: string) => send(code, { error: { code: errCode, message: msg } });
    if (req.headers.authorization !== `Bearer ${this.token}`) return error(401, "InvalidAuthenticationToken", "The access token is invalid.");
    if (!url.searchParams.get("api-version")) return error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");

    const path = url.pathname;
    if (path === "/subscriptions") {
      return send(200, { value: this.subscriptions.map((s) => ({ id: `/subscriptions/${s}`, subscriptionId: s, tenantId: "72f988bf-0000-0000-0000-000000000000", displayName: `sub ${s.slice(0, 4)}`, state: "Enabled", subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" }, authorizationSource: "RoleBased" })) });
    }
    if (/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\/locations\/[^/]+\/operations\/[^/]+$/.test(path)) return send(200);
    const listAll = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines$/.exec(path);
    const one = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)(\/(deallocate|start|powerOff))?$/i.exec(path);
    const sub = listAll?.[1] ?? one?.[1];
    if (sub && this.forbidden.has(sub)) {
      return error(403, "AuthorizationFailed", `The client 'minerhunt' with object id '0000' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read' over scope '/subscriptions/${sub}' or the scope is invalid.`);
    }
    if (listAll && method === "GET") {
      const all = this.vms.filter((v) => v.subscription === sub);
      const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
      const page = all.slice(skip, skip + this.pageSize).map((v) => this.json(v, { instanceView: url.searchParams.get("statusOnly") === "true" }));
      const body: Record<string, unknown> = { value: page };
      if (skip + this.pageSize < all.length) {
        const next = new URL(url.toString());
        next.searchParams.set("$skiptoken", String(skip + this.pageSize));
        body["nextLink"] = next.toString();
      }
      return send(200, body);
    }
    if (one) {
      const [, , rg, name, , op] = one;
      const v = this.vms.find((x) => x.subscription === sub && x.resourceGroup.toLowerCase() === rg!.toLowerCase() && x.name === name);
      if (!v) return error(404, "ResourceNotFound", `The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
      const operation = () => ({ Location: `${this.base}/subscriptions/${sub}/providers/Microsoft.Compute/locations/${v.location}/operations/op-${this.requests.length}?api-version=2026-03-01&p=1`, "Retry-After": "0" });
      if (method === "GET" && !op) {
        const expand = (url.searchParams.get("$expand") ?? "").toLowerCase();
        return send(200, this.json(v, { userData: expand === "userdata", instanceView: expand === "instanceview" }));
      }
      if (method === "POST" && op === "deallocate") { v.power = "deallocated"; return send(202, undefined, operation()); }
      if (method === "POST" && op === "powerOff") { v.power = "stopped"; return send(202, undefined, operation()); }
      if (method === "POST" && op === "start") { v.power = "running"; return send(202, undefined, operation()); }
      if (method === "DELETE" && !op) { this.vms.splice(this.vms.indexOf(v), 1); return send(202, undefined, operation()); }
    }
    return error(404, "NotFound", `No route for ${method} ${path}`);
  }
}
