import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Approval, Incident, Plan, StepRun } from "../../../model/index.js";
import { bearer, testServer, type TestServer } from "../test-helpers/server.js";
import { seedExamples, EXAMPLES } from "../test-helpers/seed.js";
import { addUser, createToken } from "../auth/accounts.js";
import { join } from "node:path";

let s: TestServer;
let loose: TestServer;
let incident: Incident;
let responder2: string;

before(async () => {
  const seed = (store: Parameters<typeof seedExamples>[0]): Promise<void> => seedExamples(store, [join(EXAMPLES, "onprem")]);
  s = await testServer({ seed });
  loose = await testServer({ seed, options: { fourEyes: false } });
  incident = (await s.store.listIncidents())[0]!;
  await addUser(s.store, { name: "rita", role: "responder" }, { actor: "test", now: () => new Date() });
  responder2 = (await createToken(s.store, { userName: "rita", label: "second responder" }, { actor: "test", now: () => new Date() })).token;
});
after(async () => { await s.close(); await loose.close(); });

const post = (srv: TestServer, url: string, token: string, payload: Record<string, unknown> = {}): Promise<import("fastify").LightMyRequestResponse> =>
  srv.app.inject({ method: "POST", url, headers: bearer(token), payload });
const get = (srv: TestServer, url: string, token: string): Promise<import("fastify").LightMyRequestResponse> => srv.app.inject({ method: "GET", url, headers: bearer(token) });

test("an analyst makes a plan; anyone can read it, its state and the incident's plans", async () => {
  const made = await post(s, `/api/v1/incidents/${incident.id}/plans`, s.tokens.analyst, { mode: "preserve-evidence" });
  assert.equal(made.statusCode, 201, made.body);
  const plan = made.json<Plan>();
  assert.equal(plan.createdBy, "analyst");
  assert.equal(plan.incidentId, incident.id);
  assert.ok(plan.steps.length > 0);
  assert.equal((await get(s, `/api/v1/plans/${plan.id}`, s.tokens.viewer)).json<Plan>().hash, plan.hash);
  const state = (await get(s, `/api/v1/plans/${plan.id}/state`, s.tokens.viewer)).json<{ plan: Plan; approvals: Approval[] }>();
  assert.deepEqual(state.approvals, []);
  assert.ok((await get(s, `/api/v1/incidents/${incident.id}/plans`, s.tokens.viewer)).json<Plan[]>().some((p) => p.id === plan.id));
  assert.equal((await get(s, "/api/v1/plans/plan-nope", s.tokens.viewer)).statusCode, 404);
  assert.equal((await post(s, `/api/v1/incidents/${incident.id}/plans`, s.tokens.analyst, { mode: "nuke-it" })).statusCode, 400);
});

test("four-eyes: a responder cannot approve or execute their own plan; another responder can; a dry run changes nothing", async () => {
  const plan = (await post(s, `/api/v1/incidents/${incident.id}/plans`, s.tokens.responder)).json<Plan>();
  const own = await post(s, `/api/v1/plans/${plan.id}/approve`, s.tokens.responder, { reason: "looks right" });
  assert.equal(own.statusCode, 403);
  assert.equal(own.json<{ error: string }>().error, "four-eyes");
  const notApproved = await post(s, `/api/v1/plans/${plan.id}/execute`, responder2, { execute: true });
  assert.equal(notApproved.statusCode, 409);
  assert.equal(notApproved.json<{ error: string }>().error, "not-approved");

  const preview = await post(s, `/api/v1/plans/${plan.id}/execute`, s.tokens.responder, { execute: false });
  assert.equal(preview.statusCode, 200, preview.body);
  const runs = preview.json<StepRun[]>();
  assert.ok(runs.length > 0 && runs.every((r) => r.dryRun));

  const approved = await post(s, `/api/v1/plans/${plan.id}/approve`, responder2, { reason: "checked the targets" });
  assert.equal(approved.statusCode, 200, approved.body);
  assert.equal(approved.json<Approval>().by, "rita");
  assert.equal(approved.json<Approval>().planHash, plan.hash);
  const ownExecute = await post(s, `/api/v1/plans/${plan.id}/execute`, s.tokens.responder, { execute: true });
  assert.equal(ownExecute.statusCode, 403);
  assert.equal(ownExecute.json<{ error: string }>().error, "four-eyes");
  const executed = await post(s, `/api/v1/plans/${plan.id}/execute`, responder2, { execute: true, yes: true });
  assert.equal(executed.statusCode, 200, executed.body);
  assert.ok(executed.json<StepRun[]>().every((r) => !r.dryRun && r.by === "rita"));
  const state = (await get(s, `/api/v1/plans/${plan.id}/state`, s.tokens.viewer)).json<{ validApproval?: Approval; runs: StepRun[] }>();
  assert.equal(state.validApproval?.by, "rita");
  assert.ok(state.runs.length >= runs.length);
  const undo = await post(s, `/api/v1/plans/${plan.id}/undo`, responder2, {});
  assert.equal(undo.statusCode, 200, undo.body);

  const audit = (await get(s, "/api/v1/audit?limit=1000", s.tokens.admin)).json<{ action: string; actor: string; target?: string }[]>();
  assert.ok(audit.some((a) => a.action === "plan.created" && a.actor === "responder"));
  assert.ok(audit.some((a) => a.action === "plan.approved" && a.actor === "rita"));
  assert.equal((await get(s, "/api/v1/audit/verify", s.tokens.admin)).json<{ ok: boolean }>().ok, true);
});

test("with four-eyes off (serve --no-four-eyes) a responder approves their own plan", async () => {
  const inc = (await loose.store.listIncidents())[0]!;
  const plan = (await post(loose, `/api/v1/incidents/${inc.id}/plans`, loose.tokens.responder)).json<Plan>();
  const own = await post(loose, `/api/v1/plans/${plan.id}/approve`, loose.tokens.responder, { reason: "alone tonight" });
  assert.equal(own.statusCode, 200, own.body);
});
