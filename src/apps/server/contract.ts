/**
 * What the HTTP server's parts agree on: the API (server/api), the web UI (server/ui) and the ingest
 * endpoint are fastify plugins registered on one app (server/app.ts) and share these types.
 *
 * Roles are ordered: each can do what the ones before it can.
 *   viewer     reads incidents, campaigns, findings, evidence, plans, reports
 *   analyst    + ticks checklists, writes notes, assigns, changes status, makes plans (dry run)
 *   responder  + approves and executes plans (never their own when four-eyes is on)
 *   admin      + manages users and tokens
 * Ingest uses an API token with the "analyst" role or above.
 */
import type {} from "fastify";
import type { Store, ResponseRecords } from "../../store/types.js";

export const ROLES = ["viewer", "analyst", "responder", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Who is making a request, set by the auth plugin before any route runs (request.user). */
export interface AuthUser {
  name: string;
  role: Role;
  /** How they proved it: a session cookie (browser, CSRF-checked), an API token, or OIDC. */
  via: "session" | "token" | "oidc";
  /** Session users only: the synchronizer token every state-changing request must carry
   *  (header `x-csrf-token` or form field `_csrf`); the UI puts it in a <meta name="csrf-token">. */
  csrfToken?: string;
}

/**
 * URL layout (one app, server/app.ts):
 *   /api/v1/...        JSON API (server/api), OpenAPI at /api/v1/openapi.json, generated from route schemas
 *   /api/v1/ingest     NDJSON events (gzip accepted) into the streaming engine
 *   /login, /logout    session sign-in (form POST: username, password); /auth/oidc/... when configured
 *   /assets/...        built UI assets (htmx, uPlot, mermaid, css), public
 *   /, /incidents/:id, /campaigns/:id, /plans/:id ...   server-rendered UI pages (server/ui)
 */

export interface ServerOptions {
  host: string;
  port: number;
  /** Four-eyes: a responder may not approve or execute a plan they made. Default on. */
  fourEyes: boolean;
  /** Largest request body, bytes (ingest too, after gunzip). */
  bodyLimit: number;
  /** Secure cookies (behind TLS). */
  secureCookies: boolean;
  /** Sign-in attempts allowed per minute, per address and user name / per address (default 5 / 30). */
  loginLimit?: { perUser: number; perAddress: number };
  /** How long a browser session lasts, minutes (default 720). */
  sessionMinutes?: number;
  /** OIDC sign-in (server/auth/oidc.ts); absent: local users only. */
  oidc?: OidcOptions;
}

export interface OidcOptions {
  /** The issuer URL (its /.well-known/openid-configuration is read). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: https://<this server>/auth/oidc/callback. */
  redirectUri: string;
  /** A signed-in person must already be a local user (recommended); otherwise they are added with this role. */
  autoCreateRole?: Role;
  /** Allow http:// issuers (tests on 127.0.0.1 only). */
  allowInsecure?: boolean;
}

/** Everything the plugins are given; nothing reaches global state. */
export interface ServerDeps {
  store: Store & ResponseRecords;
  options: ServerOptions;
  now: () => Date;
  /** The response context plans are made and executed with, per acting user (server/api/plans.ts has a default). */
  respond?: (actor: string) => import("../../respond/types.js").ResponseContext;
  /** Detection for the ingest endpoint (server/ingest); absent: the defaults a scan uses, loaded on first use. */
  detection?: import("./ingest/detection.js").DetectionSetup;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth plugin; routes declare the role they need with `config: { role }`. */
    user?: AuthUser;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; routes without one are public (login page, health, static assets). */
    role?: Role;
    /** Marks a route public on purpose; app.ts refuses to start with a route that has neither this nor a role. */
    public?: boolean;
  }
}
