import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Incident } from "../../../model/index.js";
import { ROLES, roleAtLeast } from "../contract.js";
import { bearer, login, testServer, type TestServer } from "../test-helpers/server.js";
import { seedExamples } from "../test-helpers/seed.js";
import { DEFAULT_CHROMIUM } from "../../../report/index.js";
import { inCi } from "../../../test-helpers/index.js";

let s: TestServer;
let incidents: Incident[];
let first: Incident;

before(async () => {
  s = await testServer({ seed: (store) => seedExamples(store) });
  incidents = await s.store.listIncidents();
  assert.ok(incidents.length >= 3, "the examples make at least three incidents");
  first = incidents[0]!;
});
after(async () => { await s.close(); });

type Json = Record<string, unknown>;
const get = (url: string, token = s.tokens.viewer): Promise<import("fastify").LightMyRequestResponse> => s.app.inject({ method: "GET", url, headers: bearer(token) });
const post = (url: string, payload: Json, token = s.tokens.analyst): Promise<import("fastify").LightMyRequestResponse> =>
  s.app.inject({ method: "POST", url, headers: bearer(token), payload });

/** A concrete URL for a route pattern: :id is a stored incident (or plan/token id where the route is about one). */
function concrete(url: string): string {
  return url.replace(":name", "viewer").replace(":id", first.id).replace("*", "x");
}

test("every route that needs a role: 401 without credentials, 403 for each role below it, and not 401/403 at the role", async () => {
  const guarded = s.routes.filter((r) => !r.public && r.method !== "HEAD");
  assert.ok(guarded.length >= 25, `expected the whole API, got ${guarded.length} routes`);
  for (const route of guarded) {
    const url = concrete(route.url);
    const anon = await s.app.inject({ method: route.method as "GET", url, payload: route.method === "GET" || route.method === "DELETE" ? undefined : {} });
    assert.equal(anon.statusCode, 401, `${route.method} ${route.url} without credentials`);
    assert.equal(anon.json<Json>()["error"], "unauthorized");
    for (const role of ROLES) {
      const res = await s.app.inject({ method: route.method as "GET", url, headers: bearer(s.tokens[role]), ...(route.method === "GET" || route.method === "DELETE" ? {} : { payload: {} }) });
      if (roleAtLeast(role, route.role!)) {
        assert.ok(res.statusCode !== 401 && res.statusCode !== 403, `${route.method} ${route.url} as ${role}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      } else {
        assert.equal(res.statusCode, 403, `${route.method} ${route.url} as ${role} (needs ${route.role})`);
        assert.equal(res.json<Json>()["error"], "forbidden");
      }
    }
  }
});

test("the queue lists by priority then USD/hour at stake, with filters; a bad filter names the valid values", async () => {
  const res = await get("/api/v1/incidents");
  assert.equal(res.statusCode, 200);
  const body = res.json<{ total: number; incidents: { id: string; priority: string; severity: string; findings: number; checklist: { total: number } }[] }>();
  assert.equal(body.total, incidents.length);
  const priorities = body.incidents.map((i) => i.priority);
  assert.deepEqual(priorities, [...priorities].sort());
  assert.ok(body.incidents.every((i) => i.findings > 0 && i.checklist.total > 0));
  const k8s = incidents.find((i) => i.title.includes("Kubernetes"))!;
  const q = await get(`/api/v1/incidents?q=${encodeURIComponent("kubernetes XMRIG")}`);
  assert.deepEqual(q.json<{ incidents: { id: string }[] }>().incidents.map((i) => i.id), [k8s.id]);
  const paged = (await get("/api/v1/incidents?limit=1&offset=1")).json<{ incidents: { id: string }[]; total?: number; more: boolean }>();
  assert.deepEqual(paged.incidents.map((i) => i.id), [body.incidents[1]!.id]);
  assert.equal(paged.more, true);
  const last = (await get(`/api/v1/incidents?limit=5&offset=${incidents.length - 1}`)).json<{ incidents: { id: string }[]; total?: number; more: boolean }>();
  assert.deepEqual(last.incidents.map((i) => i.id), [body.incidents.at(-1)!.id]);
  assert.equal(last.more, false);
  assert.equal(last.total, incidents.length);
  assert.equal((await get("/api/v1/incidents?status=closed")).json<{ total: number }>().total, 0);
  const bad = await get("/api/v1/incidents?status=open,finished");
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json<{ message: string }>().message, /unknown status finished: expected open, contained, eradicated, recovered, closed/);
  assert.equal((await get("/api/v1/incidents?limit=5000")).statusCode, 400);
});

test("money at stake moves an incident up within its priority, beyond the store's own order", async () => {
  const before = (await get("/api/v1/incidents")).json<{ incidents: { id: string; priority: string; usdPerHour?: number }[] }>().incidents;
  const lastOfItsPriority = [...before].reverse().find((i) => i.priority === before[0]!.priority)!;
  // Plans made by earlier tests carry money too: outbid them all.
  const usdPerHour = Math.max(0, ...before.map((i) => i.usdPerHour ?? 0)) + 12.5;
  assert.notEqual(lastOfItsPriority.id, before[0]!.id, "the examples give several incidents of the top priority");
  await s.store.savePlan({
    id: "plan-money-test", incidentId: lastOfItsPriority.id, createdAt: new Date().toISOString(), createdBy: "analyst",
    mode: "preserve-evidence", steps: [], usdPerHour, unreachable: [], hash: "0".repeat(64),
  });
  for (const url of ["/api/v1/incidents?limit=1", "/api/v1/incidents?q=cryptomining"]) {
    const top = (await get(url)).json<{ incidents: { id: string; usdPerHour?: number }[] }>().incidents[0]!;
    assert.equal(top.id, lastOfItsPriority.id, url);
    assert.equal(top.usdPerHour, usdPerHour);
  }
});

test("one incident by id or unique prefix, its findings, evidence with source lines, timeline; unknown ids are 404", async () => {
  const byPrefix = await get(`/api/v1/incidents/${first.id.slice(0, 10)}`);
  assert.equal(byPrefix.statusCode, 200);
  assert.equal(byPrefix.json<Incident>().id, first.id);
  const findings = (await get(`/api/v1/incidents/${first.id}/findings`)).json<{ id: string }[]>();
  assert.deepEqual(findings.map((f) => f.id).sort(), [...first.findingIds].sort());
  const evidence = (await get(`/api/v1/incidents/${first.id}/evidence`)).json<{ file: string; line?: number; findingId: string }[]>();
  assert.ok(evidence.length > 0);
  assert.ok(evidence.every((e) => e.file.length > 0 && first.findingIds.includes(e.findingId)));
  assert.ok(evidence.some((e) => typeof e.line === "number"));
  const timeline = (await get(`/api/v1/incidents/${first.id}/timeline`)).json<{ kind: string }[]>();
  assert.equal(timeline[0]?.kind, "created");
  for (const url of ["/api/v1/incidents/inc-nope", "/api/v1/incidents/inc-nope/findings", "/api/v1/incidents/inc-nope/timeline", "/api/v1/campaigns/camp-nope"]) {
    const res = await get(url);
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json<Json>()["error"], "not-found");
  }
  const ambiguous = await get("/api/v1/incidents/inc-");
  assert.equal(ambiguous.statusCode, 409);
  assert.ok(Array.isArray((ambiguous.json<{ details: { candidates: string[] } }>().details.candidates)));
  assert.equal((await get("/api/v1/incidents/%3Cscript%3E")).statusCode, 400);
});

test("campaigns: listed from the stored incidents, each by id", async () => {
  const list = (await get("/api/v1/campaigns")).json<{ id: string; incidentIds: string[] }[]>();
  const withCampaign = incidents.filter((i) => i.campaignId);
  assert.equal(list.length, new Set(withCampaign.map((i) => i.campaignId)).size);
  for (const c of list) assert.equal((await get(`/api/v1/campaigns/${c.id}`)).json<{ id: string }>().id, c.id);
});

test("checklist: tick and untick are recorded with who; an unknown item id is refused with the valid ones", async () => {
  const inc = incidents[1]!;
  const item = inc.checklist.find((c) => !c.done)!;
  const ticked = await post(`/api/v1/incidents/${inc.id}/checklist`, { item: item.id, answer: "checked by hand" });
  assert.equal(ticked.statusCode, 200);
  const state = ticked.json<Incident>().checklist.find((c) => c.id === item.id)!;
  assert.equal(state.done, true);
  assert.equal(state.by, "analyst");
  assert.equal(state.answer, "checked by hand");
  const unticked = await post(`/api/v1/incidents/${inc.id}/checklist`, { item: item.id, done: false });
  assert.equal(unticked.json<Incident>().checklist.find((c) => c.id === item.id)!.done, false);
  const bad = await post(`/api/v1/incidents/${inc.id}/checklist`, { item: "analysis.binary-hsah" });
  assert.equal(bad.statusCode, 400);
  const body = bad.json<{ message: string; details: { valid: string[] } }>();
  assert.match(body.message, /unknown checklist item "analysis\.binary-hsah"; valid: .*analysis\./);
  assert.ok(body.details.valid.includes(item.id));
  assert.ok(body.details.valid.includes("analysis.binary-hash"));
  const after = (await get(`/api/v1/incidents/${inc.id}`)).json<Incident>();
  assert.ok(!after.checklist.some((c) => c.id === "analysis.binary-hsah"));
  const kinds = (await get(`/api/v1/incidents/${inc.id}/timeline`)).json<{ kind: string; actor: string }[]>();
  assert.ok(kinds.some((k) => k.kind === "checklist-ticked" && k.actor === "analyst"));
  assert.ok(kinds.some((k) => k.kind === "checklist-unticked"));
});

test("a session request without the CSRF token changes nothing; with it, it does", async () => {
  const inc = incidents[2]!;
  const { cookie, csrf } = await login(s.app, "analyst");
  const refused = await s.app.inject({ method: "POST", url: `/api/v1/incidents/${inc.id}/notes`, headers: { cookie }, payload: { text: "no token" } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json<Json>()["error"], "csrf");
  const ok = await s.app.inject({ method: "POST", url: `/api/v1/incidents/${inc.id}/notes`, headers: { cookie, "x-csrf-token": csrf }, payload: { text: "with token" } });
  assert.equal(ok.statusCode, 201);
  const notes = (await get(`/api/v1/incidents/${inc.id}/notes`)).json<{ text: string; author: string }[]>();
  assert.deepEqual(notes.map((n) => n.text), ["with token"]);
  assert.equal(notes[0]!.author, "analyst");
});

test("notes, assignment, status and close with a reason; every change is audited with its actor", async () => {
  const inc = incidents[2]!;
  assert.equal((await post(`/api/v1/incidents/${inc.id}/notes`, { text: "<img src=x onerror=alert(1)> stays text" })).statusCode, 201);
  assert.equal((await post(`/api/v1/incidents/${inc.id}/notes`, { text: "" })).statusCode, 400);
  assert.equal((await post(`/api/v1/incidents/${inc.id}/assign`, { assignee: "responder" })).json<Incident>().assignee, "responder");
  assert.equal((await post(`/api/v1/incidents/${inc.id}/status`, { status: "contained", reason: "pod deleted" })).json<Incident>().status, "contained");
  const noReason = await post(`/api/v1/incidents/${inc.id}/status`, { status: "closed" });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.json<{ message: string }>().message, /needs a reason/);
  assert.equal((await post(`/api/v1/incidents/${inc.id}/status`, { status: "finished" })).statusCode, 400);
  const closed = await post(`/api/v1/incidents/${inc.id}/close`, { reason: "miner removed, image blocked" }, s.tokens.responder);
  assert.equal(closed.json<Incident>().status, "closed");
  const audit = (await get("/api/v1/audit?limit=1000", s.tokens.admin)).json<{ action: string; actor: string; incidentId?: string }[]>();
  const mine = audit.filter((a) => a.incidentId === inc.id).map((a) => `${a.actor} ${a.action}`);
  for (const want of ["analyst incident.note", "analyst incident.assigned", "analyst incident.status-changed", "responder incident.closed"]) {
    assert.ok(mine.includes(want), `${want} in ${mine.join(", ")}`);
  }
  const timeline = (await get(`/api/v1/incidents/${inc.id}/timeline`)).json<{ kind: string; data: Json }[]>();
  assert.equal(timeline.find((t) => t.kind === "closed")?.data["reason"], "miner removed, image blocked");
});

test("reports download as md and html in English and Thai; a bad format is 400", async () => {
  for (const lang of ["en", "th"]) {
    const md = await get(`/api/v1/incidents/${first.id}/report?format=md&lang=${lang}`);
    assert.equal(md.statusCode, 200);
    assert.match(String(md.headers["content-type"]), /^text\/markdown/);
    assert.match(String(md.headers["content-disposition"]), new RegExp(`attachment; filename="minerhunt-.*-${lang}\\.md"`));
    assert.ok(md.body.includes(first.id));
  }
  const html = await get(`/api/v1/incidents/${first.id}/report?format=html&lang=th`);
  assert.match(String(html.headers["content-type"]), /^text\/html/);
  assert.match(html.body, /<html[^>]*lang="th"/);
  assert.equal((await get(`/api/v1/incidents/${first.id}/report?format=docx`)).statusCode, 400);
  assert.equal((await get(`/api/v1/incidents/${first.id}/report?lang=fr`)).statusCode, 400);
});

test("a PDF report is a PDF", { skip: !existsSync(DEFAULT_CHROMIUM) && !inCi() ? `no ${DEFAULT_CHROMIUM}` : false }, async () => {
  const pdf = await get(`/api/v1/incidents/${first.id}/report?format=pdf&lang=en`);
  assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
  assert.equal(pdf.headers["content-type"], "application/pdf");
  assert.equal(pdf.rawPayload.subarray(0, 5).toString("latin1"), "%PDF-");
});

test("audit verify (admin) passes on the chain the API wrote", async () => {
  const res = await get("/api/v1/audit/verify", s.tokens.admin);
  assert.equal(res.statusCode, 200);
  const v = res.json<{ ok: boolean; count: number }>();
  assert.equal(v.ok, true);
  assert.ok(v.count > 5);
});

test("admins manage users and tokens over the API; the token is shown once and works", async () => {
  const made = await post("/api/v1/users", { name: "erin", role: "analyst", password: "a long enough password" }, s.tokens.admin);
  assert.equal(made.statusCode, 201);
  assert.equal(made.json<Json>()["hasPassword"], true);
  assert.ok(!made.body.includes("argon2"));
  assert.equal((await post("/api/v1/users", { name: "erin", role: "analyst" }, s.tokens.admin)).statusCode, 400);
  assert.equal((await post("/api/v1/users", { name: "bad name!", role: "analyst" }, s.tokens.admin)).statusCode, 400);
  assert.equal((await post("/api/v1/users", { name: "short", role: "analyst", password: "short" }, s.tokens.admin)).statusCode, 400);
  const tok = await post("/api/v1/tokens", { user: "erin", label: "log shipper", role: "viewer" }, s.tokens.admin);
  assert.equal(tok.statusCode, 201);
  const { token, record } = tok.json<{ token: string; record: { id: string; role: string } }>();
  assert.match(token, /^mh_[A-Za-z0-9_-]{43}$/);
  assert.equal((await get("/api/v1/me", token)).json<Json>()["role"], "viewer");
  const listed = await get("/api/v1/tokens", s.tokens.admin);
  assert.ok(!listed.body.includes(token));
  assert.ok(!listed.body.includes("sha256"));
  const revoked = await s.app.inject({ method: "DELETE", url: `/api/v1/tokens/${record.id}`, headers: bearer(s.tokens.admin) });
  assert.equal(revoked.statusCode, 204);
  assert.equal((await get("/api/v1/me", token)).statusCode, 401);
  assert.equal((await s.app.inject({ method: "DELETE", url: `/api/v1/tokens/${record.id}`, headers: bearer(s.tokens.admin) })).statusCode, 404);
  const demoted = await post("/api/v1/users/erin", { role: "viewer", disabled: true }, s.tokens.admin);
  assert.deepEqual([demoted.json<Json>()["role"], demoted.json<Json>()["disabled"]], ["viewer", true]);
  assert.equal((await post("/api/v1/users/nobody", { disabled: true }, s.tokens.admin)).statusCode, 404);
});

test("request bodies over the limit are refused with 413", async () => {
  const big = await s.app.inject({
    method: "POST", url: `/api/v1/incidents/${first.id}/notes`, headers: { ...bearer(s.tokens.analyst), "content-type": "application/json" },
    payload: JSON.stringify({ text: "x".repeat(5 * 1024 * 1024) }),
  });
  assert.equal(big.statusCode, 413);
  assert.equal(big.json<Json>()["error"], "too-large");
});
