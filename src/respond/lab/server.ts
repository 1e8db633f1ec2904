/**
 * `minerhunt lab`'s HTTP side: one listener on 127.0.0.1 for every service. The SDK signs each request with
 * SigV4; the credential scope (`Credential=AKID/date/REGION/SERVICE/aws4_request`) says which service and
 * region it is for, so one endpoint override serves them all. Signatures are not checked: this is a lab.
 *
 * /_lab/calls (GET: API calls by operation; DELETE: reset), /_lab/faults (GET, POST a fault, DELETE all) and
 * /_lab/usage (the lab's own CPU seconds and RSS) let a bench or a game day read counts and inject errors from
 * outside the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AUTO_SCALING } from "./autoscaling.js";
import { EC2 } from "./ec2.js";
import { IAM, STS } from "./iam.js";
import { BUDGETS, CLOUDTRAIL, ORGANIZATIONS, guardDuty, guardDutyOperation } from "./json-services.js";
import { LabError, ec2Error, parseForm, queryError } from "./protocol.js";
import { countCall, takeFault, type LabFault, type LabRegion, type LabWorld } from "./world.js";

const MAX_BODY = 1 << 20;
const GLOBAL_SERVICES = new Set(["iam", "sts", "budgets", "organizations"]);

export interface LabServer {
  url: string;
  port: number;
  world: LabWorld;
  close(): Promise<void>;
}

export function scopeOf(authorization: string | undefined): { region: string; service: string } | undefined {
  const m = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(authorization ?? "");
  return m ? { region: m[1]!, service: m[2]! } : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new LabError("RequestEntityTooLarge", "request body over 1 MiB", 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

type Reply = { status: number; type: string; body: string; headers?: Record<string, string> };

function errorReply(service: string, err: LabError): Reply {
  if (service === "ec2") return { status: err.status, type: "text/xml", body: ec2Error(err.code, err.message) };
  if (service === "iam" || service === "sts" || service === "autoscaling") return { status: err.status, type: "text/xml", body: queryError(err.code, err.message, err.status) };
  return { status: err.status, type: "application/x-amz-json-1.1", headers: { "x-amzn-errortype": err.code }, body: JSON.stringify({ __type: err.code, message: err.message, Message: err.message }) };
}

function regionFor(world: LabWorld, service: string, name: string): LabRegion {
  const home = world.regions.values().next().value as LabRegion;
  if (GLOBAL_SERVICES.has(service)) return home;
  const r = world.regions.get(name);
  if (!r) throw new LabError("AuthFailure", `AWS was not able to validate the provided access credentials (region ${name} is not enabled for this account)`, 401);
  return r;
}

async function answer(world: LabWorld, req: IncomingMessage): Promise<Reply> {
  const scope = scopeOf(req.headers.authorization);
  if (!scope) throw new LabError("MissingAuthenticationToken", "Request is missing Authentication Token (the lab reads the SigV4 credential scope)", 403);
  const { service } = scope;
  const body = await readBody(req);
  const path = new URL(req.url ?? "/", "http://lab").pathname;
  let operation: string;
  let run: (region: LabRegion) => Reply;
  if (service === "ec2" || service === "iam" || service === "sts" || service === "autoscaling") {
    const params = parseForm(body);
    operation = params.get("Action") ?? "";
    const table = { ec2: EC2, autoscaling: AUTO_SCALING }[service as "ec2"];
    const globalTable = { iam: IAM, sts: STS }[service as "iam"];
    const handler = table?.[operation];
    const globalHandler = globalTable?.[operation];
    if (!handler && !globalHandler) throw new LabError("InvalidAction", `The action ${operation} is not valid for this web service (the lab's ${service} does not serve it).`);
    run = (region) => ({ status: 200, type: "text/xml", body: handler ? handler(world, region, params) : globalHandler!(world, params) });
  } else if (service === "guardduty") {
    const route = guardDutyOperation(req.method ?? "GET", path);
    if (!route) throw new LabError("BadRequestException", `no GuardDuty route ${req.method} ${path} in the lab`);
    operation = route.operation;
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    run = (region) => ({ status: 200, type: "application/json", body: JSON.stringify(guardDuty(world, region, operation, route.detectorId, json)) });
  } else {
    const target = String(req.headers["x-amz-target"] ?? "");
    operation = target.slice(target.lastIndexOf(".") + 1);
    const table = { cloudtrail: CLOUDTRAIL, budgets: BUDGETS, organizations: ORGANIZATIONS }[service as "budgets"];
    const handler = table?.[operation];
    if (!handler) throw new LabError("UnknownOperationException", `The lab does not serve ${service}:${operation || "(no X-Amz-Target)"}`);
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    run = (region) => ({ status: 200, type: "application/x-amz-json-1.1", body: JSON.stringify(handler(world, region, json)) });
  }
  // A DryRun call changes nothing and is counted apart, so "the plan changed nothing" can be checked by counts.
  countCall(world, service, /(^|&)DryRun=true(&|$)/.test(body) ? `${operation}(DryRun)` : operation);
  const region = regionFor(world, service, scope.region);
  if (region.failure && !GLOBAL_SERVICES.has(service)) throw new LabError(region.failure.code, region.failure.message, region.failure.status);
  const fault = takeFault(world, service, operation, region.name, body);
  if (fault) throw new LabError(fault.code, fault.message ?? `${fault.code} (lab fault)`, fault.status ?? (fault.code === "RequestLimitExceeded" || fault.code === "Throttling" ? 503 : 400));
  return run(region);
}

function control(world: LabWorld, req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
  const send = (v: unknown) => { res.writeHead(200, { "content-type": "application/json" }); res.end(JSON.stringify(v)); };
  if (path === "/_lab/calls") {
    if (req.method === "DELETE") world.calls.clear();
    return send(Object.fromEntries([...world.calls].sort()));
  }
  if (path === "/_lab/faults") {
    if (req.method === "POST") world.faults.push(JSON.parse(body) as LabFault);
    if (req.method === "DELETE") world.faults.length = 0;
    return send(world.faults);
  }
  if (path === "/_lab/usage") {
    const cpu = process.cpuUsage();
    return send({ cpuSeconds: (cpu.user + cpu.system) / 1e6, rssMb: process.memoryUsage().rss / 1048576 });
  }
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("lab: unknown control path\n");
}

export function startLabServer(world: LabWorld, port = 0, host = "127.0.0.1"): Promise<LabServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://lab").pathname;
    if (path.startsWith("/_lab/")) {
      readBody(req).then((body) => control(world, req, res, path, body)).catch((err: Error) => { res.writeHead(400); res.end(err.message); });
      return;
    }
    const service = scopeOf(req.headers.authorization)?.service ?? "ec2";
    answer(world, req).then((reply) => reply, (err: unknown) => {
      const labErr = err instanceof LabError ? err : new LabError("InternalError", `lab: ${(err as Error).message}`, 500);
      return errorReply(service, labErr);
    }).then((reply) => {
      res.writeHead(reply.status, { "content-type": reply.type, "x-amzn-requestid": "lab", ...reply.headers });
      res.end(reply.body);
    }).catch(() => res.destroy());
  });
  // Many SDK clients keep sockets open; the bench opens hundreds.
  server.keepAliveTimeout = 5000;
  return new Promise((resolveStart, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address() as AddressInfo;
      resolveStart({
        url: `http://${host}:${addr.port}`, port: addr.port, world,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
