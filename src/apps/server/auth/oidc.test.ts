import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startFakeOidc, type FakeOidc } from "../test-helpers/fake-oidc.js";
import { testServer, type TestServer } from "../test-helpers/server.js";
import { addUser, setDisabled } from "./accounts.js";

let idp: FakeOidc;
let s: TestServer;
const REDIRECT = "http://127.0.0.1:8080/auth/oidc/callback";

before(async () => {
  idp = await startFakeOidc();
  s = await testServer({ options: { oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: REDIRECT, allowInsecure: true } } });
  await addUser(s.store, { name: "alice", role: "responder" }, { actor: "test", now: () => new Date() });
});
after(async () => { await s.close(); await idp.close(); });

/** The browser's part: start at /auth/oidc/login, follow the provider, come back to the callback. */
async function signIn(tamper?: (callback: URL) => void, keepStateCookie = true): Promise<import("fastify").LightMyRequestResponse> {
  const start = await s.app.inject({ method: "GET", url: "/auth/oidc/login" });
  assert.equal(start.statusCode, 302);
  const stateCookie = start.cookies.find((c) => c.name === "mh_oidc")!;
  assert.equal(stateCookie.sameSite, "Lax");
  const authorize = new URL(String(start.headers.location));
  assert.equal(authorize.origin, idp.issuer);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  const back = await fetch(authorize, { redirect: "manual" });
  assert.equal(back.status, 302);
  const callback = new URL(back.headers.get("location")!);
  tamper?.(callback);
  return s.app.inject({ method: "GET", url: `${callback.pathname}${callback.search}`, headers: keepStateCookie ? { cookie: `mh_oidc=${stateCookie.value}` } : {} });
}

test("OIDC: code flow with PKCE against a provider on 127.0.0.1 signs a local user in", async () => {
  idp.nextUser = { sub: "u-1", preferred_username: "alice" };
  const done = await signIn();
  assert.equal(done.statusCode, 200, done.body);
  assert.match(done.body, /http-equiv="refresh" content="0;url=\/"/);
  const session = done.cookies.find((c) => c.name === "mh_session")!;
  assert.equal(session.sameSite, "Strict");
  const me = await s.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: `mh_session=${session.value}` } });
  assert.equal(me.json<{ name: string; via: string; role: string }>().via, "oidc");
  assert.equal(me.json<{ name: string }>().name, "alice");
  assert.equal(me.json<{ role: string }>().role, "responder");
  assert.ok((await s.store.auditRecords()).some((a) => a.action === "auth.login" && a.actor === "alice" && a.details["via"] === "oidc"));
});

test("OIDC refusals: no state cookie, a changed state, a wrong nonce, an unknown or disabled user", async () => {
  const refused = (r: import("fastify").LightMyRequestResponse): void => {
    assert.equal(r.statusCode, 303, r.body);
    assert.equal(r.headers.location, "/login?error=oidc");
    assert.ok(!r.cookies.some((c) => c.name === "mh_session" && c.value !== ""));
  };
  idp.nextUser = { sub: "u-1", preferred_username: "alice" };
  refused(await signIn(undefined, false));
  refused(await signIn((cb) => cb.searchParams.set("state", "forged")));
  idp.breakNonce = true;
  refused(await signIn());
  idp.breakNonce = false;
  idp.nextUser = { sub: "u-2", preferred_username: "mallory" };
  refused(await signIn());
  await addUser(s.store, { name: "bob", role: "viewer" }, { actor: "test", now: () => new Date() });
  await setDisabled(s.store, "bob", true, { actor: "test", now: () => new Date() });
  idp.nextUser = { sub: "u-3", email: "bob" };
  refused(await signIn());
  assert.ok((await s.store.auditRecords()).filter((a) => a.action === "auth.login-failed" && a.details["via"] === "oidc").length >= 5);
});
