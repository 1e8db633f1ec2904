/**
 * The web dashboard: server-rendered HTML pages with htmx for partial updates, as one fastify plugin
 * registered on the server's app (server/app.ts). Why this shape (docs/ui.md): no build step, one place
 * that escapes (html.ts), and it runs under a strict Content-Security-Policy (no inline script or style).
 *
 * Pages: / (queue, or how to get data in), /incidents/:id, /campaigns/:id, /plans/:id (+ /events, SSE),
 * /login (the sign-in form; the auth plugin handles its POST), /lang (language switch), /assets/* (public).
 */
import type { FastifyPluginAsync } from "fastify";
import { registerAssets } from "./assets.js";
import { registerCampaignRoutes } from "./campaign-login.js";
import { registerIncidentRoutes } from "./incident-routes.js";
import { registerPlanRoutes } from "./plan-routes.js";
import { registerQueue } from "./queue.js";
import type { UiDeps } from "./types.js";

export type { UiDeps } from "./types.js";
export { loginPage } from "./campaign-login.js";
export type { LoginPageOptions } from "./campaign-login.js";
export { langOf } from "./page.js";

export const uiRoutes: FastifyPluginAsync<UiDeps> = async (app, deps) => {
  // Form posts without htmx arrive url-encoded; the server may already parse them (@fastify/formbody).
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) {
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 1_000_000 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
  }
  registerAssets(app);
  registerQueue(app, deps);
  registerIncidentRoutes(app, deps);
  registerCampaignRoutes(app, deps);
  registerPlanRoutes(app, deps);
};
