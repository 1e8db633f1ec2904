/**
 * The HTTP server: one fastify app with the JSON API, the ingest endpoint, sign-in and (when given) the
 * web UI. Security is set up here, before any route: helmet with a strict CSP, body limits, the auth gate
 * (auth/guard.ts) that makes every route declare a role or say it is public, and JSON errors.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { VERSION } from "../../startup/version.js";
import type { ServerDeps } from "./contract.js";
import { installErrorHandlers } from "./errors.js";
import { installGuard, type RouteRecord } from "./auth/guard.js";
import { authRoutes } from "./auth/routes.js";
import { oidcRoutes } from "./auth/oidc.js";
import { apiRoutes } from "./api/index.js";
import { ingestRoutes } from "./ingest/route.js";
import type { IngestEngineOptions } from "./ingest/engine.js";

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/** default-src 'self', no inline script or style, no plugins, never framed. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export interface BuildOptions {
  /** The web UI plugin (server/ui: uiRoutes). Absent: API only. */
  ui?: FastifyPluginAsync<ServerDeps>;
  /** Fastify's logger (pino); off in tests. */
  logger?: boolean;
  /** Batching of the ingest endpoint's saves. */
  ingest?: IngestEngineOptions;
}

export interface MinerhuntServer {
  app: FastifyInstance;
  /** Every route with the role it needs (public: none), as registered. */
  routes: RouteRecord[];
}

export async function buildServer(deps: ServerDeps, build: BuildOptions = {}): Promise<MinerhuntServer> {
  const app = Fastify({
    logger: build.logger ?? false,
    bodyLimit: deps.options.bodyLimit || DEFAULT_BODY_LIMIT,
    // Scanner-sized ids are refused rather than routed.
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);

  await app.register(cookie); // before the guard: its onRequest hook parses the cookies the guard reads
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "no-referrer" },
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429, error: "rate-limited", message: `too many attempts; try again in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "minerhunt API", version: VERSION, description: "Incidents, checklists, plans and ingest. Authenticate with `Authorization: Bearer mh_...`." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // Plugins above register no routes; every route from here on passes the guard's onRoute check.
  const routes = installGuard(app, deps.store.auth, deps.now);

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get("/api/v1/health", {
    config: { public: true },
    schema: { tags: ["server"], summary: "Liveness and the store's backend", security: [], response: { 200: z.object({ ok: z.boolean(), version: z.string(), store: z.string() }) } },
  }, () => ({ ok: true, version: VERSION, store: deps.store.backend }));
  r.get("/api/v1/openapi.json", { config: { public: true }, schema: { hide: true } }, () => app.swagger());

  authRoutes(app, deps);
  if (deps.options.oidc) oidcRoutes(app, deps, deps.options.oidc);
  apiRoutes(app, deps);
  await app.register(ingestRoutes, { deps, ...(build.ingest ? { engine: build.ingest } : {}) });

  // ---- UI REGISTRATION POINT -------------------------------------------------------------------
  // The web UI (src/apps/server/ui, uiRoutes) is passed in by serve.ts; the app runs without it (API only).
  if (build.ui) await app.register(build.ui, deps);

  await app.ready();
  return { app, routes };
}
