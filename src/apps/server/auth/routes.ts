/**
 * POST /login, POST /logout and GET /api/v1/me. The sign-in form is the UI's (GET /login); a form post
 * that fails goes back to it with ?error=1, a JSON post gets 401. Attempts are limited per address and
 * user name, and per address, and every sign-in, failed or not, is audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ServerDeps } from "../contract.js";
import { ROLES } from "../contract.js";
import { verifyPassword } from "./passwords.js";
import { DEFAULT_SESSION_MINUTES, SESSION_COOKIE, endSession, sessionCookieOptions, startSession } from "./sessions.js";

const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  /** Where a form sign-in goes next: a path on this server only. */
  next: z.string().max(2000).optional(),
});

const Me = z.object({ name: z.string(), role: z.enum(ROLES), via: z.enum(["session", "token", "oidc"]), csrfToken: z.string().optional() });

/** Only a local path ("/incidents/x"), never "//evil" or "https://evil": no open redirect. */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\r\n]/.test(next)) return "/";
  return next;
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
}

/** A sign-in posted from another site is refused (login CSRF); browsers send Origin on POST. */
function foreignOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === "null") return origin === "null";
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

function userKey(request: FastifyRequest): string {
  const body = request.body as { username?: unknown } | undefined;
  const name = typeof body?.username === "string" ? body.username.toLowerCase().slice(0, 64) : "";
  return `${request.ip}|${name}`;
}

export function authRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { store, options, now } = deps;
  const minutes = options.sessionMinutes ?? DEFAULT_SESSION_MINUTES;
  const limit = options.loginLimit ?? { perUser: 5, perAddress: 30 };
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Two limits: per address and user name (route config), and per address whatever the name (this one;
  // createRateLimit because the plugin runs only one of its own hooks per request).
  const perAddress = app.createRateLimit({ max: limit.perAddress, timeWindow: 60_000 });

  r.post("/login", {
    config: {
      public: true,
      rateLimit: { max: limit.perUser, timeWindow: 60_000, hook: "preHandler", keyGenerator: userKey },
    },
    onRequest: async (request, reply) => {
      const verdict = await perAddress(request);
      // isAllowed means "on the allow list"; isExceeded is the verdict.
      if (!verdict.isAllowed && verdict.isExceeded) {
        return reply.code(429).header("retry-after", verdict.ttlInSeconds)
          .send({ error: "rate-limited", message: `too many sign-in attempts from this address; try again in ${verdict.ttlInSeconds} s` });
      }
    },
    schema: { body: LoginBody, hide: true },
  }, async (request, reply) => {
    const form = isForm(request);
    const { username, password } = request.body;
    if (foreignOrigin(request)) return reply.code(403).send({ error: "forbidden", message: "sign-in from another site refused" });
    const user = await store.auth.getUser(username);
    const ok = await verifyPassword(user && !user.disabled ? await store.auth.passwordHash(username) : undefined, password);
    if (!ok || !user) {
      await store.appendAudit({ actor: username, action: "auth.login-failed", details: { address: request.ip } });
      if (form) return reply.code(303).redirect(`/login?error=1&next=${encodeURIComponent(safeNext(request.body.next))}`);
      return reply.code(401).send({ error: "unauthorized", message: "wrong user name or password" });
    }
    // A new id at every sign-in: a session id planted before sign-in is worth nothing after it.
    const old = request.cookies[SESSION_COOKIE];
    if (old) await endSession(store.auth, old);
    const { cookie, record } = await startSession(store.auth, user.name, "session", now(), minutes);
    await store.auth.deleteExpiredSessions(now().toISOString()); // expired rows of everyone go at each sign-in
    await store.appendAudit({ actor: user.name, action: "auth.login", details: { address: request.ip, via: "password" } });
    reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(options.secureCookies, minutes));
    if (form) return reply.code(303).redirect(safeNext(request.body.next));
    return reply.send({ name: user.name, role: user.role, via: "session", csrfToken: record.csrfToken });
  });

  r.post("/logout", { config: { role: "viewer" }, schema: { hide: true } }, async (request, reply: FastifyReply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await endSession(store.auth, cookie);
    await store.appendAudit({ actor: request.user?.name ?? "?", action: "auth.logout", details: { via: request.user?.via ?? "?" } });
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(options.secureCookies));
    if (isForm(request)) return reply.code(303).redirect("/login");
    return reply.code(204).send();
  });

  r.get("/api/v1/me", { config: { role: "viewer" }, schema: { tags: ["access"], summary: "Who is asking", response: { 200: Me } } },
    (request) => {
      const u = request.user!;
      return { name: u.name, role: u.role, via: u.via, ...(u.csrfToken !== undefined ? { csrfToken: u.csrfToken } : {}) };
    });
}
