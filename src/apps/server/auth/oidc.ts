/**
 * OIDC sign-in (optional; ServerOptions.oidc): authorization code flow with PKCE, state and nonce, through
 * openid-client. /auth/oidc/login sends the browser to the provider; /auth/oidc/callback checks what comes
 * back (state bound to this browser by a short-lived cookie, the code exchanged, the ID token's signature,
 * issuer, audience and nonce checked by openid-client), then starts a session like a password sign-in.
 *
 * Who it is: preferred_username, else email, else sub. They must be a local user that is not disabled
 * (roles stay local) unless `autoCreateRole` says to add them.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import * as client from "openid-client";
import { z } from "zod";
import type { OidcOptions, ServerDeps } from "../contract.js";
import { checkUserName } from "./accounts.js";
import { DEFAULT_SESSION_MINUTES, SESSION_COOKIE, endSession, sessionCookieOptions, startSession } from "./sessions.js";

const STATE_COOKIE = "mh_oidc";
const PENDING_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

interface Pending { verifier: string; nonce: string; expires: number }

async function configure(o: OidcOptions): Promise<client.Configuration> {
  const options = o.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined;
  return client.discovery(new URL(o.issuer), o.clientId, o.clientSecret, undefined, options);
}

/** After a cross-site redirect a SameSite=Strict cookie is not sent yet: a same-site page moves on. */
function continuePage(reply: FastifyReply, to: string): FastifyReply {
  return reply.type("text/html; charset=utf-8").send(
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}"><title>minerhunt</title></head>` +
    `<body><p><a href="${to}">Continue / ดำเนินการต่อ</a></p></body></html>`);
}

export function oidcRoutes(app: FastifyInstance, deps: ServerDeps, o: OidcOptions): void {
  const { store, options, now } = deps;
  const minutes = options.sessionMinutes ?? DEFAULT_SESSION_MINUTES;
  let config: Promise<client.Configuration> | undefined;
  const configOf = (): Promise<client.Configuration> => {
    config ??= configure(o).catch((err: unknown) => { config = undefined; throw err; });
    return config;
  };
  const pending = new Map<string, Pending>();
  // Lax, not Strict: it must come back on the provider's cross-site redirect to the callback.
  const stateCookie = { path: "/auth/oidc", httpOnly: true, sameSite: "lax" as const, secure: options.secureCookies, maxAge: PENDING_MS / 1000 };

  app.get("/auth/oidc/login", { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const c = await configOf();
    const t = Date.now();
    for (const [k, v] of pending) if (v.expires < t) pending.delete(k);
    if (pending.size >= MAX_PENDING) return reply.code(429).send({ error: "rate-limited", message: "too many sign-ins in progress" });
    const state = client.randomState();
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    pending.set(state, { verifier, nonce, expires: t + PENDING_MS });
    const url = client.buildAuthorizationUrl(c, {
      redirect_uri: o.redirectUri, scope: "openid profile email", state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256",
    });
    reply.setCookie(STATE_COOKIE, state, stateCookie);
    return reply.code(302).redirect(url.href);
  });

  app.get("/auth/oidc/callback", {
    config: { public: true },
    schema: { hide: true, querystring: z.object({ state: z.string().max(200).optional(), code: z.string().max(4096).optional(), error: z.string().max(200).optional() }).loose() },
  }, async (request, reply) => {
    const state = request.cookies[STATE_COOKIE];
    reply.clearCookie(STATE_COOKIE, stateCookie);
    const fail = async (why: string): Promise<FastifyReply> => {
      await store.appendAudit({ actor: "oidc", action: "auth.login-failed", details: { address: request.ip, via: "oidc", reason: why } });
      return reply.code(303).redirect("/login?error=oidc");
    };
    const entry = state ? pending.get(state) : undefined;
    if (!state || !entry || entry.expires < Date.now()) return fail("no sign-in in progress for this browser");
    pending.delete(state);
    let claims: client.IDToken | undefined;
    try {
      const current = new URL(request.url, o.redirectUri);
      const tokens = await client.authorizationCodeGrant(await configOf(), current, { pkceCodeVerifier: entry.verifier, expectedState: state, expectedNonce: entry.nonce, idTokenExpected: true });
      claims = tokens.claims();
    } catch (err) {
      return fail(`the provider's answer was refused: ${(err as Error).message.slice(0, 200)}`);
    }
    const raw = (typeof claims?.["preferred_username"] === "string" && claims["preferred_username"]) ||
      (typeof claims?.["email"] === "string" && claims["email"]) || claims?.sub || "";
    let name: string;
    try { name = checkUserName(raw); } catch { return fail("the provider gave no usable user name"); }
    let user = await store.auth.getUser(name);
    if (!user && o.autoCreateRole) {
      await store.auth.addUser({ name, role: o.autoCreateRole, createdAt: now().toISOString() });
      await store.appendAudit({ actor: "oidc", action: "user.added", target: name, details: { role: o.autoCreateRole, via: "oidc" } });
      user = await store.auth.getUser(name);
    }
    if (!user || user.disabled) return fail(`${name} is not an enabled user here`);
    const old = request.cookies[SESSION_COOKIE];
    if (old) await endSession(store.auth, old);
    const { cookie } = await startSession(store.auth, user.name, "oidc", now(), minutes);
    await store.appendAudit({ actor: user.name, action: "auth.login", details: { address: request.ip, via: "oidc", issuer: o.issuer } });
    reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(options.secureCookies, minutes));
    return continuePage(reply, "/");
  });
}
