/**
 * HTML → PDF through Debian's headless Chromium, driven by playwright-core. The page is loaded from
 * memory with no network (its CSP allows none, and Chromium runs without background networking) and
 * has no script to wait for: the diagram is already SVG.
 *
 * Starting Chromium is most of a PDF's cost, and a new browser context or tab costs about as much as
 * printing, so a PdfRenderer keeps one browser, one offline context with JavaScript off, and its idle
 * tabs open for a batch (`minerhunt report` with several incidents, the server). A tab serves one PDF at
 * a time (concurrent renders take other tabs) and each report replaces the whole document; the pages
 * have no script, and the context no network, so nothing of one report can act on the next.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { t } from "../i18n/index.js";
import type { Lang } from "../i18n/index.js";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-extensions", "--disable-dev-shm-usage",
];

export interface PdfOptions {
  chromiumPath?: string;
  lang?: Lang;
  /** Longest wait for the browser and the page, ms. */
  timeoutMs?: number;
}

export class ChromiumMissingError extends Error {}

export interface PdfRenderer {
  render(html: string): Promise<Buffer>;
  /** Closes the browser; the renderer can still be used (it starts a new one). */
  close(): Promise<void>;
}

const FOOTER = `<div style="font-size:8px;width:100%;text-align:center;color:#7f8c8d"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/** Idle tabs kept for the next PDFs; more concurrent renders open more tabs and close the extra ones after. */
const MAX_IDLE_PAGES = 2;

/** A renderer that starts Chromium on first use and keeps it until close(). */
export function createPdfRenderer(opts: PdfOptions = {}): PdfRenderer {
  const executablePath = opts.chromiumPath ?? DEFAULT_CHROMIUM;
  const timeout = opts.timeoutMs ?? 60_000;
  let session: Promise<{ browser: Browser; context: BrowserContext }> | undefined;
  let idle: Page[] = [];

  const start = async (): Promise<{ browser: Browser; context: BrowserContext }> => {
    if (!existsSync(executablePath)) throw new ChromiumMissingError(t(opts.lang ?? "en", "pdf.noChromium", { path: executablePath }));
    // Loaded on first use: playwright-core costs half a second at start-up, and most commands never print a PDF.
    // With require, not import(): the CLI runs as a script through V8's code cache, where import() has no
    // loader to call (startup/code-cache.ts).
    const { chromium } = createRequire(import.meta.url)("playwright-core") as typeof import("playwright-core");
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout });
    // A browser that died (killed, crashed) is started again on the next render rather than failing every later one.
    browser.on("disconnected", () => { session = undefined; idle = []; });
    const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
    return { browser, context };
  };

  return {
    async render(html: string): Promise<Buffer> {
      session ??= start();
      let context: BrowserContext;
      try {
        ({ context } = await session);
      } catch (err) {
        session = undefined;
        throw err;
      }
      const page = idle.pop() ?? await context.newPage();
      let reusable = false;
      try {
        await page.setContent(html, { waitUntil: "load", timeout });
        const pdf = await page.pdf({
          format: "A4", printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true,
          headerTemplate: "<span></span>", footerTemplate: FOOTER,
        });
        reusable = true;
        return pdf;
      } finally {
        // A tab that failed (timeout, crash) is not trusted with the next report.
        if (reusable && idle.length < MAX_IDLE_PAGES && !page.isClosed()) idle.push(page);
        else await page.close().catch(() => undefined);
      }
    },
    async close(): Promise<void> {
      const s = session;
      session = undefined;
      idle = [];
      if (s) await (await s.catch(() => undefined))?.browser.close();
    },
  };
}

/** One PDF with a browser of its own (started and closed here). */
export async function htmlToPdf(html: string, opts: PdfOptions = {}): Promise<Buffer> {
  const renderer = createPdfRenderer(opts);
  try {
    return await renderer.render(html);
  } finally {
    await renderer.close();
  }
}
