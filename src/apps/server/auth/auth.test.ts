import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { FastifyPluginAsync } from "fastify";
import { bearer, login, testServer, PASSWORD, TEST_HASH, type TestServer } from "../test-helpers/server.js";
import { createToken, revokeToken, setDisabled, setPassword, setRole, addUser } from "./accounts.js";
import type { ServerDeps } from "../contract.js";
import { sha256Hex } from "./secrets.js";

let s: TestServer;
const now = (): Date => new Date();
before(async () => { s = await testServer(); });
after(async () => { await s.close(); });

test("a password sign-in sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token", async () => {
  const { res, cookie, csrf } = await login(s.app, "analyst");
  assert.equal(res.statusCode, 200);
  const set = res.cookies.find((c) => c.name === "mh_session");
  assert.ok(set);
  assert.equal(set.httpOnly, true);
  assert.equal(set.sameSite, "Strict");
  assert.equal(set.path, "/");
  assert.ok(csrf.length >= 32);
  const me = await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json(), { name: "analyst", role: "analyst", via: "session", csrfToken: csrf });
  // Only a digest of the cookie is stored.
  assert.ok(await s.store.auth.sessionBySha256(sha256Hex(set.value)));
  const audit = await s.store.auditRecords();
  assert.ok(audit.some((a) => a.action === "auth.login" && a.actor === "analyst"));
});

test("wrong password, unknown user and disabled user are all 401 with the same message", async () => {
  const wrong = await s.app.inject({ method: "POST", url: "/login", payload: { username: "viewer", password: "not the password!" } });
  const unknown = await s.app.inject({ method: "POST", url: "/login", payload: { username: "nobody", password: PASSWORD } });
  await addUser(s.store, { name: "gone", role: "admin", password: PASSWORD }, { actor: "test", now, hashParams: TEST_HASH });
  await setDisabled(s.store, "gone", true, { actor: "test", now });
  const disabled = await s.app.inject({ method: "POST", url: "/login", payload: { username: "gone", password: PASSWORD } });
  for (const r of [wrong, unknown, disabled]) {
    assert.equal(r.statusCode, 401);
    assert.equal(r.json<{ message: string }>().message, "wrong user name or password");
    assert.equal(r.cookies.length, 0);
  }
  assert.ok((await s.store.auditRecords()).some((a) => a.action === "auth.login-failed" && a.actor === "nobody"));
});

test("a form sign-in redirects to a local next page only; a failed one goes back to the form", async () => {
  const form = (next: string, password = PASSWORD): Promise<import("fastify").LightMyRequestResponse> => s.app.inject({
    method: "POST", url: "/login", headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ username: "responder", password, next }).toString(),
  });
  const ok = await form("/incidents/abc");
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, "/incidents/abc");
  for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
    assert.equal((await form(evil)).headers.location, "/");
  }
  const bad = await form("/incidents/abc", "wrong wrong wrong");
  assert.equal(bad.statusCode, 303);
  assert.equal(bad.headers.location, "/login?error=1&next=%2Fincidents%2Fabc");
});

test("a sign-in posted from another origin is refused", async () => {
  const res = await s.app.inject({ method: "POST", url: "/login", headers: { origin: "https://evil.example", host: "127.0.0.1:8080" }, payload: { username: "admin", password: PASSWORD } });
  assert.equal(res.statusCode, 403);
  assert.equal(res.cookies.length, 0);
});

test("signing in again rotates the session: the old id stops working", async () => {
  const first = await login(s.app, "viewer");
  const again = await s.app.inject({ method: "POST", url: "/login", headers: { cookie: first.cookie }, payload: { username: "viewer", password: PASSWORD } });
  const second = again.cookies.find((c) => c.name === "mh_session");
  assert.ok(second && `mh_session=${second.value}` !== first.cookie);
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: first.cookie } })).statusCode, 401);
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: `mh_session=${second.value}` } })).statusCode, 200);
});

test("logout needs the CSRF token, then ends the session", async () => {
  const { cookie, csrf } = await login(s.app, "viewer");
  const noToken = await s.app.inject({ method: "POST", url: "/logout", headers: { cookie } });
  assert.equal(noToken.statusCode, 403);
  assert.equal(noToken.json<{ error: string }>().error, "csrf");
  const wrongToken = await s.app.inject({ method: "POST", url: "/logout", headers: { cookie, "x-csrf-token": `${csrf.slice(0, -1)}x` } });
  assert.equal(wrongToken.statusCode, 403);
  const form = await s.app.inject({
    method: "POST", url: "/logout", headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: `_csrf=${encodeURIComponent(csrf)}`,
  });
  assert.equal(form.statusCode, 303);
  assert.equal(form.headers.location, "/login");
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } })).statusCode, 401);
});

test("an expired session is refused and its row removed; each sign-in sweeps expired rows", async () => {
  const { cookie } = await login(s.app, "viewer");
  const digest = sha256Hex(cookie.slice("mh_session=".length));
  const row = (await s.store.auth.sessionBySha256(digest))!;
  await s.store.auth.deleteSession(digest);
  await s.store.auth.addSession({ ...row, expiresAt: new Date(Date.now() - 1000).toISOString() });
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } })).statusCode, 401);
  assert.equal(await s.store.auth.sessionBySha256(digest), undefined);
  await s.store.auth.addSession({ ...row, idSha256: "f".repeat(64), expiresAt: new Date(Date.now() - 1000).toISOString() });
  assert.equal((await login(s.app, "admin")).res.statusCode, 200);
  assert.equal(await s.store.auth.sessionBySha256("f".repeat(64)), undefined);
});

test("a changed password or a disabled user ends their sessions", async () => {
  await addUser(s.store, { name: "carol", role: "analyst", password: PASSWORD }, { actor: "test", now, hashParams: TEST_HASH });
  const a = await login(s.app, "carol");
  await setPassword(s.store, "carol", "another long password", { actor: "admin", now, hashParams: TEST_HASH });
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: a.cookie } })).statusCode, 401);
  const b = await login(s.app, "carol", "another long password");
  assert.equal(b.res.statusCode, 200);
  await setDisabled(s.store, "carol", true, { actor: "admin", now });
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: b.cookie } })).statusCode, 401);
});

test("API tokens: bearer works, stored only as a digest; revoked, expired, malformed and unknown tokens are 401", async () => {
  const me = await s.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(s.tokens.responder) });
  assert.deepEqual(me.json(), { name: "responder", role: "responder", via: "token" });
  const listed = await s.store.auth.listTokens("responder");
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.sha256, sha256Hex(s.tokens.responder));
  assert.ok(!JSON.stringify(listed).includes(s.tokens.responder));

  const made = await createToken(s.store, { userName: "viewer", label: "short", expiresInDays: 1 }, { actor: "admin", now });
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(made.token) })).statusCode, 200);
  await revokeToken(s.store, made.record.id, { actor: "admin", now });
  const revoked = await s.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(made.token) });
  assert.equal(revoked.statusCode, 401);
  assert.match(revoked.json<{ message: string }>().message, /revoked/);

  const later = await createToken(s.store, { userName: "viewer", label: "expiring", expiresInDays: 1 }, { actor: "admin", now: () => new Date(Date.now() - 2 * 86_400_000) });
  assert.match((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(later.token) })).json<{ message: string }>().message, /expired/);
  for (const h of ["Bearer nonsense", "Bearer mh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Basic dXNlcjpwYXNz"]) {
    assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: h } })).statusCode, 401, h);
  }
  // Even on a public route a wrong credential is refused rather than ignored.
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/health", headers: { authorization: "Bearer nonsense" } })).statusCode, 401);
  const audit = await s.store.auditRecords();
  assert.ok(audit.some((r) => r.action === "token.created" && r.actor === "admin"));
  assert.ok(audit.some((r) => r.action === "token.revoked" && r.target === made.record.id));
});

test("a token never acts above its user: demoting the user demotes the token; a token above its user is refused", async () => {
  await addUser(s.store, { name: "dave", role: "responder", password: PASSWORD }, { actor: "test", now, hashParams: TEST_HASH });
  const { token } = await createToken(s.store, { userName: "dave", label: "ci" }, { actor: "admin", now });
  await setRole(s.store, "dave", "viewer", { actor: "admin", now });
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(token) })).json<{ role: string }>().role, "viewer");
  await assert.rejects(createToken(s.store, { userName: "dave", label: "x", role: "admin" }, { actor: "admin", now }), /cannot have the higher role/);
  await setDisabled(s.store, "dave", true, { actor: "admin", now });
  assert.equal((await s.app.inject({ method: "GET", url: "/api/v1/me", headers: bearer(token) })).statusCode, 401);
});

test("sign-in attempts are limited per address and user name", async () => {
  const limited = await testServer({ options: { loginLimit: { perUser: 3, perAddress: 100 } } });
  try {
    const attempt = (username: string): Promise<number> => limited.app.inject({ method: "POST", url: "/login", payload: { username, password: "guess guess guess" } }).then((r) => r.statusCode);
    assert.deepEqual([await attempt("admin"), await attempt("admin"), await attempt("admin")], [401, 401, 401]);
    const blocked = await limited.app.inject({ method: "POST", url: "/login", payload: { username: "admin", password: PASSWORD } });
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json<{ error: string }>().error, "rate-limited");
    // Another user from the same address is not locked out by the first one's attempts.
    assert.equal(await attempt("viewer"), 401);
  } finally {
    await limited.close();
  }
  const perAddress = await testServer({ options: { loginLimit: { perUser: 100, perAddress: 2 } } });
  try {
    const codes: number[] = [];
    for (const u of ["a1", "a2", "a3"]) codes.push((await perAddress.app.inject({ method: "POST", url: "/login", payload: { username: u, password: "x" } })).statusCode);
    assert.deepEqual(codes, [401, 401, 429]);
  } finally {
    await perAddress.close();
  }
});

test("security headers: strict CSP, no framing, no sniffing, no referrer", async () => {
  const res = await s.app.inject({ method: "GET", url: "/api/v1/health" });
  assert.equal(res.statusCode, 200);
  const csp = String(res.headers["content-security-policy"]);
  for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) assert.ok(csp.includes(d), d);
  assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"));
  assert.equal(res.headers["x-content-type-options"], "nosniff");
  assert.equal(res.headers["x-frame-options"], "SAMEORIGIN");
  assert.equal(res.headers["referrer-policy"], "no-referrer");
});

test("every registered route is public on purpose or needs a role; a route with neither stops the server from starting", async () => {
  assert.ok(s.routes.length > 0);
  const publicOnes = s.routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort();
  assert.deepEqual(publicOnes, ["GET /api/v1/health", "GET /api/v1/openapi.json", "HEAD /api/v1/health", "HEAD /api/v1/openapi.json", "POST /login"]);
  for (const r of s.routes) assert.ok(r.public || r.role !== undefined);
  const careless: FastifyPluginAsync<ServerDeps> = async (app) => {
    app.get("/oops", async () => "open to all");
  };
  await assert.rejects(testServer({ build: { ui: careless } }), /GET \/oops declares neither config\.role nor config\.public/);
});

test("the app boots without the UI; a UI plugin's routes go through the same gate", async () => {
  const page = await s.app.inject({ method: "GET", url: "/", headers: { accept: "text/html" } });
  assert.equal(page.statusCode, 404);
  const ui: FastifyPluginAsync<ServerDeps> = async (app) => {
    app.get("/", { config: { role: "viewer" } }, async (request) => `hello ${request.user?.name ?? ""}`);
  };
  const withUi = await testServer({ build: { ui } });
  try {
    const anon = await withUi.app.inject({ method: "GET", url: "/incidents?x=1", headers: { accept: "text/html" } });
    assert.equal(anon.statusCode, 404);
    const redirected = await withUi.app.inject({ method: "GET", url: "/", headers: { accept: "text/html" } });
    assert.equal(redirected.statusCode, 303);
    assert.equal(redirected.headers.location, "/login?next=%2F");
    const { cookie } = await login(withUi.app, "viewer");
    assert.equal((await withUi.app.inject({ method: "GET", url: "/", headers: { cookie } })).body, "hello viewer");
  } finally {
    await withUi.close();
  }
});

test("OpenAPI is generated from the route schemas", async () => {
  const res = await s.app.inject({ method: "GET", url: "/api/v1/openapi.json" });
  assert.equal(res.statusCode, 200);
  const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
  assert.equal(doc.openapi, "3.0.3");
  assert.ok(doc.paths["/api/v1/me"]);
  assert.ok(doc.paths["/api/v1/health"]);
  assert.ok(!doc.paths["/login"]);
});

test("unknown routes and bad bodies are JSON errors", async () => {
  const missing = await s.app.inject({ method: "GET", url: "/api/v1/nothing", headers: bearer(s.tokens.viewer) });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json<{ error: string }>().error, "not-found");
  const bad = await s.app.inject({ method: "POST", url: "/login", payload: { username: "" } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<{ error: string }>().error, "bad-request");
});
