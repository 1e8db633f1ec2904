/**
 * The campaign page (its scope, the marks that link its incidents, the incidents), the sign-in page and the
 * language switch. The sign-in form posts to /login, which the server's auth plugin handles.
 */
import type { FastifyInstance } from "fastify";
import { formatTime } from "../../../i18n/index.js";
import type { Lang } from "../../../i18n/index.js";
import type { Incident } from "../../../model/index.js";
import { href, html, safeNext } from "./html.js";
import type { SafeHtml } from "./html.js";
import { LANG_COOKIE, langOf, page, sendPage, translator } from "./page.js";
import type { UiDeps } from "./types.js";
import { isLang } from "../../../i18n/index.js";

export function registerCampaignRoutes(app: FastifyInstance, deps: UiDeps): void {
  app.get<{ Params: { id: string } }>("/campaigns/:id", { config: { role: "viewer" } }, async (request, reply) => {
    const lang = langOf(request);
    const tr = translator(lang);
    const campaign = await deps.store.getCampaign(request.params.id);
    if (!campaign) {
      return sendPage(reply, page({ lang, user: request.user, title: tr("ui.notFound"), path: "/", body: html`<h1>${tr("ui.notFound")}</h1><p><code>${request.params.id}</code></p>` }), 404);
    }
    const incidents = (await Promise.all(campaign.incidentIds.map((id) => deps.store.getIncident(id).catch(() => undefined))))
      .filter((i): i is Incident => i !== undefined);
    const body = html`<h1>${tr("section.campaign")}: ${campaign.title}</h1>
<p><code class="muted">${campaign.id}</code></p>
<dl class="facts">
<dt>${tr("field.scope")}</dt><dd>${tr("campaign.summary", { machines: campaign.scope.machines, incidents: campaign.scope.incidents, scope: tr("scope.summary", campaign.scope) })}</dd>
<dt>${tr("field.environment")}</dt><dd>${campaign.environments.map((e) => tr(`environment.${e}`)).join(", ")}</dd>
<dt>${tr("field.firstSeen")}</dt><dd>${formatTime(campaign.firstSeen)}</dd>
<dt>${tr("field.lastSeen")}</dt><dd>${formatTime(campaign.lastSeen)}</dd>
</dl>
<h2>${tr("ui.campaign.links")}</h2>
<table><thead><tr><th>${tr("campaign.link")}</th><th>${tr("ui.campaign.value")}</th><th class="num">${tr("campaign.incidents")}</th></tr></thead><tbody>
${campaign.links.map((l) => html`<tr><td>${tr(`ui.campaign.kind.${l.kind}`)}</td><td><code>${l.value}</code></td><td class="num">${l.incidents}</td></tr>`)}
</tbody></table>
<h2>${tr("campaign.incidents")}</h2>
<table><thead><tr><th>${tr("field.priority")}</th><th>${tr("field.title")}</th><th>${tr("field.environment")}</th><th>${tr("field.status")}</th></tr></thead><tbody>
${incidents.map((i) => html`<tr><td><span class="badge prio-${i.priority}">${i.priority}</span></td><td><a href="${href("/incidents", [i.id])}">${i.title}</a><br><code class="muted">${i.id}</code></td><td>${tr(`environment.${i.environment}`)}</td><td>${tr(`status.${i.status}`)}</td></tr>`)}
</tbody></table>`;
    return sendPage(reply, page({ lang, user: request.user, title: campaign.title, path: href("/campaigns", [campaign.id]), body }));
  });

  app.get<{ Querystring: { error?: string; next?: string } }>("/login", { config: { public: true } }, async (request, reply) => {
    const lang = langOf(request);
    const tr = translator(lang);
    // The auth plugin handles POST /login and sends a failed form sign-in back here with ?error=1.
    return sendPage(reply, loginPage({ lang, next: safeNext(request.query.next), ...(request.query.error ? { error: tr("ui.login.failed") } : {}) }));
  });

  app.get<{ Querystring: { set?: string; next?: string } }>("/lang", { config: { public: true } }, async (request, reply) => {
    const set = request.query.set ?? "";
    if (isLang(set)) {
      const secure = deps.options.secureCookies ? "; Secure" : "";
      reply.header("set-cookie", `${LANG_COOKIE}=${set}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`);
    }
    return reply.code(303).header("location", safeNext(request.query.next)).send();
  });
}

export interface LoginPageOptions {
  lang: Lang;
  /** Shown above the form after a failed attempt. */
  error?: string;
  /** Where to go after signing in (a path of this app). */
  next?: string;
  /** A pre-session CSRF token, if the server uses one for the login form. */
  csrfToken?: string;
  /** Show "Sign in with single sign-on" (OIDC configured). */
  oidc?: boolean;
}

/** The sign-in page (GET /login); the server's auth plugin handles the POST. */
export function loginPage(o: LoginPageOptions): SafeHtml {
  const tr = translator(o.lang);
  const body = html`<section class="login">
<h1>${tr("ui.login.title")}</h1>
${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ""}
<form class="stack" method="post" action="/login">
  ${o.csrfToken ? html`<input type="hidden" name="_csrf" value="${o.csrfToken}">` : ""}
  <input type="hidden" name="next" value="${safeNext(o.next)}">
  <label>${tr("ui.login.username")}<br><input type="text" name="username" autocomplete="username" required autofocus></label>
  <label>${tr("ui.login.password")}<br><input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit" class="primary">${tr("ui.login.submit")}</button>
</form>
${o.oidc ? html`<p><a href="/auth/oidc/login">${tr("ui.login.oidc")}</a></p>` : ""}
</section>`;
  return page({ lang: o.lang, title: tr("ui.login.title"), path: "/login", body });
}
