/**
 * The UI's pieces without a browser: escaping, links, mermaid labels, charts from real findings, and every route through the real server (roles, CSRF, refusals, htmx fragments, language, assets).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScan } from "../../../pipeline/run.js";
import { REPO_ROOT } from "../../../test-helpers/index.js";
import { compareQueue, usdPerHourByIncident } from "../api/queue.js";
import { DIAGRAM_CSP } from "./assets.js";
import { dailyCostChart, utilisationChart } from "./charts.js";
import { MAX_NODES_PER_KIND, entityGraph, mermaidLabel } from "./entity-graph.js";
import { href, html, multiline, safeNext } from "./html.js";
import { signIn, uiServer } from "./test-harness.js";

const EXAMPLES = join(REPO_ROOT, "examples");
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

test("html escapes every value, keeps html fragments, and multiline keeps line breaks", () => {
  const hostile = `"><script>alert(1)</script><img src=x onerror=alert(1)>'`;
  const out = html`<p title="${hostile}">${hostile}${html`<b>${hostile}</b>`}${[hostile, 1, null, undefined, false]}</p>`.value;
  assert.equal(out.includes("<script>"), false);
  assert.equal(out.includes("<img"), false);
  assert.equal((out.match(/<b>/g) ?? []).length, 1, "a nested fragment stays markup");
  assert.match(out, /title="&quot;&gt;&lt;script&gt;/);
  assert.match(out, /&#39;/);
  assert.equal(multiline("a<b>\nc").value, "a&lt;b&gt;\nc");
  // Bidi and control characters are made visible rather than reordering what is shown.
  assert.equal(html`${"abc\u202Edef"}`.value, "abc\\u202edef");
});

test("links are paths of this app with encoded segments; next never leaves it", () => {
  assert.equal(href("/incidents", ["javascript:alert(1)"]), "/incidents/javascript%3Aalert(1)");
  assert.equal(href("/incidents", ["a/../b"]), "/incidents/a%2F..%2Fb");
  assert.equal(href("/lang", [], { set: "th", next: "/x?y=1" }), "/lang?set=th&next=%2Fx%3Fy%3D1");
  assert.throws(() => href("//evil.example"));
  for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", undefined, 42]) assert.equal(safeNext(bad), "/");
  assert.equal(safeNext("/incidents/x"), "/incidents/x");
});

test("mermaid labels cannot leave their quotes; the entity graph is bounded", () => {
  const label = mermaidLabel(`x"] --> evil[click x "javascript:alert(1)"]|<img>\`#;\n`);
  assert.match(label, /^"[^"]*"$/, "one quoted string");
  for (const ch of ["[", "]", "<", ">", "|", "`", "\n", "(", ")"]) assert.equal(label.slice(1, -1).includes(ch), false, `no raw ${JSON.stringify(ch)}`);
  assert.equal(mermaidLabel("db-prod-01 เครื่อง 10.0.0.1:3333"), "\"db-prod-01 เครื่อง 10.0.0.1:3333\"");

  const many = Array.from({ length: MAX_NODES_PER_KIND + 5 }, (_, i) => `h${i}`);
  const g = entityGraph([{
    id: "f1", rule: { id: "r", name: "r", kind: "detector" }, title: "t", trigger: "host", severity: "high", confidence: 0.9,
    firstSeen: "2026-11-18T00:00:00Z", lastSeen: "2026-11-18T00:00:00Z", entities: { hosts: many, pools: ["pool.example:3333"] },
    observables: [{ type: "wallet", value: "4Abc" }], evidence: [], evidenceCount: 0, mitre: ["T1496"],
  }], { host: "host", instance: "instance", ip: "address", pool: "pool", wallet: "wallet", key: "key", account: "account" });
  assert.equal(g.omitted, 5);
  assert.equal(g.nodes, MAX_NODES_PER_KIND + 2);
  assert.match(g.mermaid, /n0 --> n\d+/);
});

test("charts come from the examples' metric and billing evidence", async () => {
  const { findings } = await runScan({ paths: [join(EXAMPLES, "onprem/metrics"), join(EXAMPLES, "cloud/aws/billing")] });
  const cpu = utilisationChart(findings);
  assert.ok(cpu, "a utilisation chart");
  const db = cpu.series.find((s) => s.label === "db-prod-01 CPU");
  assert.ok(db, cpu.series.map((s) => s.label).join(", "));
  assert.ok(db.values.some((v) => v !== null && v > 90), "the miner's CPU above 90 %");
  assert.ok(cpu.series.some((s) => s.label.endsWith("GPU")), "a GPU series");
  assert.deepEqual(cpu.x, [...cpu.x].sort((a, b) => a - b));
  const cost = dailyCostChart(findings);
  assert.ok(cost);
  assert.deepEqual(cost.series[0]!.values, [2984.37, 5351.12], "the two spike days of the Cost Explorer export");
});

test("routes: sign-in, roles, CSRF, refusals, htmx fragments, language, assets", { timeout: 60_000 }, async () => {
  const server = await uiServer({ paths: [EXAMPLES] });
  const { app, store } = server;
  try {
    const incident = (await store.listIncidents()).find((i) => i.title.includes("db-prod-01"))!;
    const page = href("/incidents", [incident.id]);

    // Not signed in: pages send the browser to sign in, changes are refused.
    const anon = await app.inject({ url: page, headers: { accept: "text/html" } });
    assert.equal(anon.statusCode, 303);
    assert.equal(anon.headers.location, `/login?next=${encodeURIComponent(page)}`);
    assert.equal((await app.inject({ method: "POST", url: `${page}/notes`, headers: FORM, payload: form({ text: "x" }) })).statusCode, 401);
    const login = await app.inject({ url: "/login?error=1&next=%2F%2Fevil.example" });
    assert.equal(login.statusCode, 200);
    assert.match(login.body, /Wrong user name or password/);
    assert.match(login.body, /name="next" value="\/"/);

    const viewer = await signIn(app, "viewer");
    // The queue lists incidents in the API's order (one rule: server/api/queue.ts).
    const listed = [...(await app.inject({ url: "/", headers: { cookie: viewer.cookie } })).body.matchAll(/<tr data-incident="([^"]+)">/g)].map((m) => m[1]);
    const expected = (await store.listIncidents()).sort((x, y) => compareQueue(x, y, usdPerHourByIncident([]))).map((i) => i.id);
    assert.deepEqual(listed, expected);
    assert.equal(listed.length, 3);
    const viewed = await app.inject({ url: page, headers: { cookie: viewer.cookie } });
    assert.equal(viewed.statusCode, 200);
    assert.equal(viewed.body.includes("data-item=\"containment.kill\""), false, "a viewer gets no tick buttons");
    const tickAsViewer = await app.inject({ method: "POST", url: `${page}/checklist/containment.kill`, headers: { ...FORM, cookie: viewer.cookie }, payload: form({ _csrf: viewer.csrf, done: "true" }) });
    assert.equal(tickAsViewer.statusCode, 403);

    const analyst = await signIn(app, "analyst");
    const noCsrf = await app.inject({ method: "POST", url: `${page}/checklist/containment.kill`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ done: "true" }) });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((await store.getIncident(incident.id))!.checklist.find((c) => c.id === "containment.kill")?.done ?? false, false);

    // htmx (header token): the item's row comes back, ticked, with who.
    const tick = await app.inject({ method: "POST", url: `${page}/checklist/containment.kill`, headers: { ...FORM, cookie: analyst.cookie, "x-csrf-token": analyst.csrf, "hx-request": "true" }, payload: form({ done: "true" }) });
    assert.equal(tick.statusCode, 200);
    assert.match(tick.body, /^<li id="item-containment_kill" class="done"/);
    assert.match(tick.body, /ticked by analyst/);
    // A plain form (field token): back to the page.
    const untick = await app.inject({ method: "POST", url: `${page}/checklist/containment.kill`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, done: "false" }) });
    assert.equal(untick.statusCode, 303);
    assert.equal(untick.headers.location, page);
    assert.equal((await store.getIncident(incident.id))!.checklist.find((c) => c.id === "containment.kill")?.done, false);

    const unknown = await app.inject({ method: "POST", url: `${page}/checklist/containment.kil`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf }) });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /Unknown checklist item &quot;containment.kil&quot;/);

    const empty = await app.inject({ method: "POST", url: `${page}/notes`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, text: "  " }) });
    assert.equal(empty.statusCode, 400);
    const note = await app.inject({ method: "POST", url: `${page}/notes`, headers: { ...FORM, cookie: analyst.cookie, "hx-request": "true", "x-csrf-token": analyst.csrf }, payload: form({ text: "line one\nline <two>" }) });
    assert.equal(note.statusCode, 200);
    assert.match(note.body, /line one\nline &lt;two&gt;/);

    const assign = await app.inject({ method: "POST", url: `${page}/assign`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, assignee: "somchai" }) });
    assert.equal(assign.statusCode, 303);
    assert.equal((await store.getIncident(incident.id))!.assignee, "somchai");

    // Four-eyes: a responder who made a plan cannot approve it; the page says why.
    const responder = await signIn(app, "responder");
    const made = await app.inject({ method: "POST", url: `${page}/plans`, headers: { ...FORM, cookie: responder.cookie }, payload: form({ _csrf: responder.csrf, mode: "preserve-evidence" }) });
    assert.equal(made.statusCode, 303);
    const planPath = String(made.headers.location);
    assert.match(planPath, /^\/plans\/plan-/);
    const own = await app.inject({ method: "POST", url: `${planPath}/approve`, headers: { ...FORM, cookie: responder.cookie }, payload: form({ _csrf: responder.csrf, reason: "mine" }) });
    assert.ok(own.statusCode === 403 || own.statusCode === 409, `refused, got ${own.statusCode}`);
    assert.match(own.body, /class="error" role="alert">[^<]*four/i);
    assert.equal((await store.approvals(planPath.split("/").pop()!)).length, 0);
    const noReason = await app.inject({ method: "POST", url: `${planPath}/approve`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, reason: "x" }) });
    assert.equal(noReason.statusCode, 403, "an analyst cannot approve");

    const closeNoReason = await app.inject({ method: "POST", url: `${page}/status`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, status: "closed" }) });
    assert.equal(closeNoReason.statusCode, 400);
    assert.match(closeNoReason.body, /Closing needs a reason/);
    const badStatus = await app.inject({ method: "POST", url: `${page}/status`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, status: "done" }) });
    assert.equal(badStatus.statusCode, 400);
    assert.match(badStatus.body, /expected one of open, contained, eradicated, recovered, closed/);
    const close = await app.inject({ method: "POST", url: `${page}/status`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf, status: "closed", reason: "Miner removed, pools blocked" }) });
    assert.equal(close.statusCode, 303);
    assert.equal((await store.getIncident(incident.id))!.status, "closed");
    const after = await app.inject({ url: page, headers: { cookie: analyst.cookie } });
    assert.match(after.body, /Closed: Miner removed, pools blocked/);
    assert.match(after.body, /Assigned to somchai/);
    assert.match(after.body, /Unticked Kill the mining process/, "the timeline names the item by its text");

    // The queue hides closed incidents unless asked.
    const queue = await app.inject({ url: "/", headers: { cookie: analyst.cookie } });
    assert.equal(queue.body.includes(incident.id), false);
    assert.ok((await app.inject({ url: "/?status=closed", headers: { cookie: analyst.cookie } })).body.includes(incident.id));

    // Language: a cookie, and back to a page of this app only.
    const th = await app.inject({ url: `/lang?set=th&next=${encodeURIComponent(page)}` });
    assert.equal(th.statusCode, 303);
    assert.equal(th.headers.location, page);
    assert.match(String(th.headers["set-cookie"]), /^lang=th; Path=\//);
    assert.equal((await app.inject({ url: "/lang?set=th&next=//evil.example" })).headers.location, "/");
    const thai = await app.inject({ url: page, headers: { cookie: `${analyst.cookie}; lang=th` } });
    assert.match(thai.body, /<html lang="th">/);
    assert.match(thai.body, /เส้นทางการตัดสินใจ/);

    // Campaign page; unknown ids.
    const campaign = await app.inject({ url: href("/campaigns", [incident.campaignId!]), headers: { cookie: viewer.cookie } });
    assert.equal(campaign.statusCode, 200);
    assert.match(campaign.body, /Wallet/);
    assert.equal((await app.inject({ url: "/incidents/nope", headers: { cookie: viewer.cookie } })).statusCode, 404);
    assert.equal((await app.inject({ url: "/plans/nope", headers: { cookie: viewer.cookie } })).statusCode, 404);

    // Assets: public, typed, only the listed ones; the diagram frame has its own policy.
    const js = await app.inject({ url: "/assets/htmx.min.js" });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers["content-type"]), /^text\/javascript/);
    const frame = await app.inject({ url: "/assets/diagram.html" });
    assert.equal(frame.headers["content-security-policy"], DIAGRAM_CSP);
    assert.equal((await app.inject({ url: "/assets/..%2Fpackage.json" })).statusCode, 404);
    assert.equal((await app.inject({ url: "/assets/nothing.js" })).statusCode, 404);
  } finally {
    await server.close();
  }
});

test("the plan event stream sends the runs so far and ends when the server closes", { timeout: 60_000 }, async () => {
  const server = await uiServer({ paths: [join(EXAMPLES, "onprem")] });
  let closed = false;
  try {
    const incident = (await server.store.listIncidents())[0]!;
    const analyst = await signIn(server.app, "analyst");
    const made = await server.app.inject({ method: "POST", url: `${href("/incidents", [incident.id])}/plans`, headers: { ...FORM, cookie: analyst.cookie }, payload: form({ _csrf: analyst.csrf }) });
    const planPath = String(made.headers.location);
    const responder = await signIn(server.app, "responder");
    const dry = await server.app.inject({ method: "POST", url: `${planPath}/execute`, headers: { ...FORM, cookie: responder.cookie }, payload: form({ _csrf: responder.csrf, execute: "false" }) });
    assert.equal(dry.statusCode, 303);
    await server.app.listen({ host: "127.0.0.1", port: 0 });
    const address = server.app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${address.port}${planPath}/events`, { headers: { cookie: analyst.cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^event: step\ndata: \{"stepId":"[^"]+","status":"planned","dryRun":true/);
    const closing = server.close().then(() => { closed = true; });
    const ended = await Promise.race([
      (async () => { while (!(await reader.read()).done); return true; })(),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
    ]);
    assert.equal(ended, true, "the stream ends when the server closes");
    await closing;
  } finally {
    if (!closed) await server.close();
  }
});

test("an empty store explains how to get data in", async () => {
  const server = await uiServer({});
  try {
    const viewer = await signIn(server.app, "viewer");
    const res = await server.app.inject({ url: "/", headers: { cookie: viewer.cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /minerhunt scan examples\/ --db minerhunt.db/);
    assert.match(res.body, /\/api\/v1\/ingest/);
    const th = await server.app.inject({ url: "/", headers: { cookie: `${viewer.cookie}; lang=th` } });
    assert.match(th.body, /ยังไม่มีเหตุการณ์/);
  } finally {
    await server.close();
  }
});
