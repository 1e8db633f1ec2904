/**
 * HTML → PDF through Debian's headless Chromium, driven by playwright-core. The page is loaded from
 * memory with no network (its CSP allows none, and Chromium runs without background networking) and
 * has no script to wait for: the diagram is already SVG.
 *
 * Starting Chromium is most of a PDF's cost, so a PdfRenderer keeps one browser open for a batch
 * (`minerhunt report` with several incidents, the server) and gives each PDF its own fresh context:
 * nothing of one report (cookies, storage, cache) is seen by the next.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
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

/** A renderer that starts Chromium on first use and keeps it until close(). */
export function createPdfRenderer(opts: PdfOptions = {}): PdfRenderer {
  const executablePath = opts.chromiumPath ?? DEFAULT_CHROMIUM;
  const timeout = opts.timeoutMs ?? 60_000;
  let browser: Promise<Browser> | undefined;

  const start = async (): Promise<Browser> => {
    if (!existsSync(executablePath)) throw new ChromiumMissingError(t(opts.lang ?? "en", "pdf.noChromium", { path: executablePath }));
    // Loaded on first use: playwright-core costs half a second at start-up, and most commands never print a PDF.
    const { chromium } = await import("playwright-core");
    const b = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout });
    // A browser that died (killed, crashed) is started again on the next render rather than failing every later one.
    b.on("disconnected", () => { browser = undefined; });
    return b;
  };

  return {
    async render(html: string): Promise<Buffer> {
      browser ??= start();
      let b: Browser;
      try {
        b = await browser;
      } catch (err) {
        browser = undefined;
        throw err;
      }
      const context = await b.newContext({ offline: true, javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: "load", timeout });
        return await page.pdf({
          format: "A4", printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true,
          headerTemplate: "<span></span>", footerTemplate: FOOTER,
        });
      } finally {
        await context.close();
      }
    },
    async close(): Promise<void> {
      const b = browser;
      browser = undefined;
      if (b) await (await b.catch(() => undefined))?.close();
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
