/**
 * The page shell every UI page shares, and the per-request facts pages need (language, user, CSRF token).
 * Strict CSP: no inline script or style anywhere; behaviour comes from /assets/ui.js, looks from /assets/ui.css.
 *
 * Referrer policy "same-origin" (meta): the server's header says no-referrer, under which browsers send
 * `Origin: null` on every form post, and the sign-in route refuses a null origin as another site's. Same-origin
 * still sends nothing to other sites.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { isLang, t } from "../../../i18n/index.js";
import type { Lang, MessageKey, Params } from "../../../i18n/index.js";
import type { AuthUser } from "../contract.js";
import { href, html, safeNext } from "./html.js";
import type { SafeHtml } from "./html.js";

export const LANG_COOKIE = "lang";

/** The UI language: the `lang` cookie, else the browser's first preference, else English. */
export function langOf(request: FastifyRequest): Lang {
  const cookie = cookieValue(request.headers.cookie, LANG_COOKIE);
  if (cookie && isLang(cookie)) return cookie;
  const accept = request.headers["accept-language"];
  return typeof accept === "string" && accept.trim().toLowerCase().startsWith("th") ? "th" : "en";
}

/** One cookie's value from a Cookie header (the server may or may not register @fastify/cookie). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A translator bound to one language. */
export type Tr = (key: MessageKey, params?: Params) => string;
export const translator = (lang: Lang): Tr => (key, params) => t(lang, key, params);

/** Requests made by htmx get a fragment; others (no JS, tests) a redirect or a whole page. */
export function isHtmx(request: FastifyRequest): boolean {
  return request.headers["hx-request"] === "true";
}

export function userOf(request: FastifyRequest): AuthUser {
  // The auth plugin runs before every route that declares a role; reaching here without a user is a wiring bug.
  if (!request.user) throw Object.assign(new Error("not signed in"), { statusCode: 401 });
  return request.user;
}

/** The hidden field every state-changing form carries (the header, for htmx, is added by ui.js). */
export function csrfField(user: AuthUser | undefined): SafeHtml {
  return user?.csrfToken ? html`<input type="hidden" name="_csrf" value="${user.csrfToken}">` : html``;
}

export type Script = "uplot";

export interface PageOptions {
  lang: Lang;
  user?: AuthUser;
  title: string;
  body: SafeHtml;
  /** This page's path, for the language switch to come back to. */
  path: string;
  scripts?: readonly Script[];
}

const HTMX_CONFIG = JSON.stringify({ includeIndicatorCSS: false, includeIndicatorStyles: false, noSwap: [204, 304] });

export function page(o: PageOptions): SafeHtml {
  const tr = translator(o.lang);
  const other: Lang = o.lang === "th" ? "en" : "th";
  const scripts = o.scripts ?? [];
  return html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="htmx-config" content="${HTMX_CONFIG}">
${o.user?.csrfToken ? html`<meta name="csrf-token" content="${o.user.csrfToken}">` : ""}
<title>${o.title} &middot; minerhunt</title>
<link rel="stylesheet" href="/assets/ui.css">
${scripts.includes("uplot") ? html`<link rel="stylesheet" href="/assets/uPlot.min.css"><script src="/assets/uPlot.iife.min.js" defer></script>` : ""}
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/ui.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">minerhunt</a>
  <nav>
    <a href="/">${tr("ui.nav.queue")}</a>
  </nav>
  <div class="who">
    <a class="lang" href="${href("/lang", [], { set: other, next: safeNext(o.path) })}" hreflang="${other}">${tr(other === "th" ? "ui.lang.th" : "ui.lang.en")}</a>
    ${o.user ? html`<span class="user">${o.user.name} &middot; ${tr(`ui.role.${o.user.role}`)}</span>
    <form method="post" action="/logout" class="inline">${csrfField(o.user)}<button type="submit" class="link">${tr("ui.nav.logout")}</button></form>` : ""}
  </div>
</header>
<main>
${o.body}
</main>
</body>
</html>
`;
}

export function sendPage(reply: FastifyReply, body: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body.value);
}

/** After a plain form post: back to a page of this app (303 so the browser GETs it). */
export function redirect(reply: FastifyReply, to: string): FastifyReply {
  return reply.code(303).header("location", safeNext(to)).send();
}
