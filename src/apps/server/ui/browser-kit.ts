/**
 * Test kit for the browser tests: a harness listening on 127.0.0.1, Chromium (Debian's, never downloaded)
 * and a page that records what the security checks need: dialogs, every request, CSP violations, errors.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { FastifyInstance } from "fastify";
import { DEFAULT_CHROMIUM } from "../../../report/pdf.js";
import { skipOrFailInCi } from "../../../test-helpers/index.js";
import { closeContexts, sharedBrowser } from "../../../test-helpers/browser.js";
import { PASSWORD } from "./test-harness.js";

export function chromiumOrSkip(t: TestContext): boolean {
  if (existsSync(DEFAULT_CHROMIUM)) return true;
  skipOrFailInCi(t, `no Chromium at ${DEFAULT_CHROMIUM}: install it with apt-get install -y chromium fonts-thai-tlwg`);
  return false;
}

/** The process's shared Chromium (src/test-helpers/browser.ts); a test ends with closeContexts. */
export const launch = sharedBrowser;
export { closeContexts };

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}

export interface Watched {
  page: Page;
  dialogs: string[];
  requests: string[];
  violations: string[];
  errors: string[];
}

/** A page at 1366x768 (the laptop the UI is laid out for) with its dialogs, requests, CSP violations and errors recorded. */
export async function watchedPage(browser: Browser): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const w: Watched = { page, dialogs: [], requests: [], violations: [], errors: [] };
  page.on("dialog", (d) => { w.dialogs.push(`${d.type()}: ${d.message()}`); void d.dismiss(); });
  page.on("request", (r) => { w.requests.push(r.url()); });
  page.on("pageerror", (e) => { w.errors.push(e.message); });
  page.on("console", (m) => { if (/Content.Security.Policy/i.test(m.text())) w.violations.push(m.text()); });
  // Also the DOM event, in every frame (the diagram frames too).
  await context.exposeBinding("__cspViolation", (_source, text: string) => { w.violations.push(text); });
  // (A string: this project type-checks without the DOM library; init scripts are not subject to the page's CSP.)
  await context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(e.violatedDirective + " " + e.blockedURI + " " + e.sample));`,
  });
  return w;
}

export async function logIn(page: Page, base: string, user: string, next = "/"): Promise<void> {
  await page.goto(`${base}${next}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('button[type="submit"]')]);
}

/** Waits until every diagram frame on the page has drawn (or failed to); polled from here, as the CSP forbids eval in the page. */
export async function diagramsDrawn(page: Page): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = await page.$$eval("iframe.diagram", (frames) => frames.map((f) => f.getAttribute("data-drawn") ?? ""));
    if (states.every(Boolean) || Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  return page.$$eval("iframe.diagram", (frames) => frames.map((f) => f.getAttribute("data-drawn") ?? ""));
}

export function screenshotDir(): string {
  return process.env.MINERHUNT_UI_SHOTS ?? mkdtempSync(join(tmpdir(), "minerhunt-ui-shots-"));
}

/** Requests that are not to this server's own pages and assets. */
export function foreignRequests(requests: readonly string[], base: string): string[] {
  const allowed = /^\/(?:$|\?|login|lang|assets\/|incidents\/|campaigns\/|plans\/)/;
  return requests.filter((url) => {
    if (!url.startsWith(base)) return true;
    return !allowed.test(url.slice(base.length));
  });
}
