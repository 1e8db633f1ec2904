/**
 * The one gate every request passes:
 *   onRoute       a route must declare `config.role` or `config.public` (or be listed in PUBLIC_ROUTES):
 *                 the server refuses to start otherwise, so a forgotten role cannot leave a route open;
 *   onRequest     who is asking (token or session), then the route's role: 401 without credentials,
 *                 403 below the role (before the body is even read);
 *   preValidation a session's state-changing request must carry its CSRF token (header x-csrf-token or form
 *                 field _csrf). Token requests carry no ambient credential and need none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { AuthRecords } from "../../../store/types.js";
import { roleAtLeast, type Role } from "../contract.js";
import type { ErrorBody } from "../errors.js";
import { identifySession, identifyToken, type Identity } from "./identify.js";
import { sameSecret } from "./secrets.js";
import { SESSION_COOKIE } from "./sessions.js";

/** Routes registered by plugins whose options we do not write (static files); method + URL as fastify has it. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(["GET /assets/*", "HEAD /assets/*"]);

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface RouteRecord {
  method: string;
  url: string;
  role?: Role;
  public: boolean;
}

function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}

function refuse(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message } satisfies ErrorBody);
}

/** Browsers asking for a page are sent to sign in; everything else gets a JSON 401. */
function wantsPage(request: FastifyRequest): boolean {
  return request.method === "GET" && !request.url.startsWith("/api/") && (request.headers.accept ?? "").includes("text/html");
}

export function installGuard(app: FastifyInstance, auth: AuthRecords, now: () => Date): RouteRecord[] {
  const routes: RouteRecord[] = [];

  app.addHook("onRoute", (route) => {
    const role = route.config?.role;
    for (const method of methodsOf(route)) {
      const isPublic = route.config?.public === true || PUBLIC_ROUTES.has(`${method} ${route.url}`) ||
        // fastify adds HEAD beside each GET with the GET's config
        (method === "HEAD" && PUBLIC_ROUTES.has(`GET ${route.url}`));
      if (role === undefined && !isPublic) {
        throw new Error(`route ${method} ${route.url} declares neither config.role nor config.public; say who may call it`);
      }
      routes.push({ method, url: route.url, ...(role !== undefined ? { role } : {}), public: role === undefined });
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    let identity: Identity = { kind: "anonymous" };
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      identity = await identifyToken(auth, authorization, now());
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) identity = await identifySession(auth, cookie, now());
    }
    if (identity.kind === "refused") return refuse(reply, 401, "unauthorized", identity.reason);
    if (identity.kind === "user") request.user = identity.user;

    const need = request.routeOptions.config?.role;
    if (need === undefined) return;
    const user = request.user;
    if (!user) {
      if (wantsPage(request)) return reply.code(303).redirect(`/login?next=${encodeURIComponent(request.url.slice(0, 1000))}`);
      return refuse(reply, 401, "unauthorized", "sign in or send Authorization: Bearer <token>");
    }
    if (!roleAtLeast(user.role, need)) {
      return refuse(reply, 403, "forbidden", `this needs the ${need} role; ${user.name} is ${user.role}`);
    }
  });

  app.addHook("preValidation", async (request, reply) => {
    const user = request.user;
    if (!user || user.via === "token" || SAFE_METHODS.has(request.method)) return;
    if (request.routeOptions.config?.role === undefined) return; // public routes (sign-in) carry no session state
    const header = request.headers["x-csrf-token"];
    const body = request.body as Record<string, unknown> | undefined;
    const given = typeof header === "string" ? header : typeof body?.["_csrf"] === "string" ? body["_csrf"] : undefined;
    if (given === undefined || user.csrfToken === undefined || !sameSecret(given, user.csrfToken)) {
      return refuse(reply, 403, "csrf", "missing or wrong CSRF token: send the session's token in x-csrf-token or the _csrf form field");
    }
  });

  return routes;
}
