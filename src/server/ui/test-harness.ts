/**
 * TEST HARNESS for the UI until the server core lands (server/app.ts builds the real thing): fastify with
 * helmet's strict Content-Security-Policy, stand-ins for the session login form, the auth hook (sets
 * request.user, enforces `config.role`) and the CSRF check, and the UI plugin. The integrator switches the
 * UI tests to buildServer; nothing here is used outside tests.
 *
 * Also: an in-memory `ResponseRecords` for stores that do not keep plans yet, and a store loaded with the
 * bundled examples through the real scan pipeline.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import type { Approval, Plan, StepRun } from "../../model/index.js";
import { reassessor } from "../../scan/incident.js";
import { runScan } from "../../scan/run.js";
import { openStore } from "../../store/index.js";
import type { ResponseRecords, Store } from "../../store/types.js";
import { roleAtLeast } from "../contract.js";
import type { AuthUser, Role, ServerOptions } from "../contract.js";
import { uiRoutes, loginPage } from "./index.js";
import { cookieValue, langOf, sendPage } from "./page.js";
import { safeNext } from "./html.js";
import type { UiDeps } from "./types.js";

/** The same directives the server's helmet setup is expected to send (docs/ui.md). */
export const STRICT_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"], fontSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'none'"],
    formAction: ["'self'"], frameAncestors: ["'self'"], frameSrc: ["'self'"], scriptSrcAttr: ["'none'"],
  },
};

export const TEST_USERS: Record<string, { password: string; role: Role }> = {
  vera: { password: "vera-pw", role: "viewer" },
  alice: { password: "alice-pw", role: "analyst" },
  rita: { password: "rita-pw", role: "responder" },
  ruth: { password: "ruth-pw", role: "responder" },
  ada: { password: "ada-pw", role: "admin" },
};

export function memoryResponseRecords(): ResponseRecords {
  const plans: Plan[] = [];
  const approvals: Approval[] = [];
  const runs: StepRun[] = [];
  return {
    async savePlan(plan) {
      const i = plans.findIndex((p) => p.id === plan.id);
      if (i >= 0) plans[i] = plan;
      else plans.push(plan);
    },
    async getPlan(id) {
      return plans.find((p) => p.id === id) ?? plans.find((p) => p.id.startsWith(id));
    },
    async listPlans(incidentId) {
      return plans.filter((p) => incidentId === undefined || p.incidentId === incidentId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async addApproval(a) { approvals.push(a); },
    async approvals(planId) { return approvals.filter((a) => a.planId === planId); },
    async addStepRun(r) { runs.push(r); },
    async stepRuns(planId) { return runs.filter((r) => r.planId === planId); },
  };
}

/** The store's own plan records when it has them; the in-memory ones otherwise. */
export function withResponseRecords(store: Store): Store & ResponseRecords {
  const s = store as Store & Partial<ResponseRecords>;
  if (typeof s.savePlan === "function") return s as Store & ResponseRecords;
  return Object.assign(store, memoryResponseRecords());
}

export interface ExampleStore {
  store: Store & ResponseRecords;
  dir: string;
  close(): Promise<void>;
}

/** A temporary SQLite store holding `paths` (default: the bundled examples) scanned by the real pipeline. */
export async function exampleStore(paths: string[], extra?: (store: Store) => Promise<void>): Promise<ExampleStore> {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-ui-"));
  const store = withResponseRecords(await openStore(join(dir, "store.db")));
  if (paths.length > 0) {
    const run = await runScan({ paths });
    await store.saveScan({ findings: run.findings, incidents: run.incidents, campaigns: run.campaigns, reassess: reassessor(run.config, run.playbook) });
  }
  if (extra) await extra(store);
  return { store, dir, close: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export interface HarnessOptions {
  store: Store & ResponseRecords;
  options?: Partial<ServerOptions>;
  respondContext?: UiDeps["respondContext"];
  planEventsPollMs?: number;
}

export async function buildHarness(o: HarnessOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(helmet, { contentSecurityPolicy: STRICT_CSP });
  await app.register(formbody);
  const sessions = new Map<string, AuthUser>();

  app.addHook("onRequest", async (request) => {
    const sid = cookieValue(request.headers.cookie, "sid");
    const user = sid ? sessions.get(sid) : undefined;
    if (user) request.user = user;
  });
  app.addHook("preHandler", async (request, reply) => {
    const need = request.routeOptions.config.role;
    if (!need) return;
    const user = request.user;
    if (!user) {
      if (request.method === "GET" && !request.url.includes("/events")) return reply.code(303).header("location", `/login?next=${encodeURIComponent(request.url)}`).send();
      return reply.code(401).send({ error: "sign in first" });
    }
    if (!roleAtLeast(user.role, need)) return reply.code(403).type("text/plain").send(`needs the ${need} role`);
    if (request.method !== "GET" && request.method !== "HEAD" && user.via === "session") {
      const body = request.body as Record<string, unknown> | undefined;
      const sent = request.headers["x-csrf-token"] ?? body?.["_csrf"];
      if (sent !== user.csrfToken) return reply.code(403).type("text/plain").send("CSRF token missing or wrong");
    }
  });

  app.get<{ Querystring: { next?: string } }>("/login", async (request, reply) =>
    sendPage(reply, loginPage({ lang: langOf(request), next: safeNext(request.query.next) })));
  app.post("/login", async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const known = TEST_USERS[body.username ?? ""];
    if (!known || known.password !== body.password) {
      return sendPage(reply, loginPage({ lang: langOf(request), error: "Wrong user name or password.", next: safeNext(body.next) }), 401);
    }
    const sid = randomBytes(18).toString("base64url");
    sessions.set(sid, { name: body.username!, role: known.role, via: "session", csrfToken: randomBytes(18).toString("base64url") });
    return reply.code(303).header("set-cookie", `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`).header("location", safeNext(body.next)).send();
  });
  app.post("/logout", { config: { role: "viewer" } }, async (request, reply) => {
    const sid = cookieValue(request.headers.cookie, "sid");
    if (sid) sessions.delete(sid);
    return reply.code(303).header("location", "/login").send();
  });

  const deps: UiDeps = {
    store: o.store,
    options: { host: "127.0.0.1", port: 0, fourEyes: true, bodyLimit: 1_000_000, secureCookies: false, ...o.options },
    now: () => new Date(),
    ...(o.respondContext ? { respondContext: o.respondContext } : {}),
    ...(o.planEventsPollMs ? { planEventsPollMs: o.planEventsPollMs } : {}),
  };
  await app.register(uiRoutes, deps);
  return app;
}

/** Signs in through the form and returns the cookie and CSRF token a test's requests carry. */
export async function signIn(app: FastifyInstance, username: string): Promise<{ cookie: string; csrf: string }> {
  const user = TEST_USERS[username];
  if (!user) throw new Error(`no test user ${username}`);
  const res = await app.inject({ method: "POST", url: "/login", payload: new URLSearchParams({ username, password: user.password }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
  const cookie = String(res.headers["set-cookie"]).split(";")[0]!;
  const page = await app.inject({ method: "GET", url: "/", headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
  if (!csrf) throw new Error(`no CSRF token on the queue page (status ${page.statusCode})`);
  return { cookie, csrf };
}
