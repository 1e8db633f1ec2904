/**
 * HTML → PDF through Debian's headless Chromium, driven by playwright-core. The page is loaded from
 * memory with no network (its CSP allows none, and Chromium runs without background networking);
 * printing waits until mermaid has drawn the diagrams, or said it could not.
 */
import { existsSync } from "node:fs";
import { t } from "../i18n/index.js";
import type { Lang } from "../i18n/index.js";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface PdfOptions {
  chromiumPath?: string;
  lang?: Lang;
  /** Longest wait for the page and its diagrams, ms. */
  timeoutMs?: number;
}

export class ChromiumMissingError extends Error {}

export async function htmlToPdf(html: string, opts: PdfOptions = {}): Promise<Buffer> {
  const executablePath = opts.chromiumPath ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) throw new ChromiumMissingError(t(opts.lang ?? "en", "pdf.noChromium", { path: executablePath }));
  const timeout = opts.timeoutMs ?? 60_000;
  // Loaded on first use: playwright-core costs half a second at start-up, and most commands never print a PDF.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout });
  try {
    const context = await browser.newContext({ offline: true, javaScriptEnabled: true });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: "load", timeout });
    // The page's own script sets data-mermaid to "done" or "error"; either way the text fallback
    // keeps the decision path readable, so a drawing failure never blocks the PDF.
    // (Expressions as text: they run in the page, and this module is compiled without DOM types.)
    await page.waitForFunction("document.documentElement.dataset.mermaid !== 'pending'", undefined, { timeout });
    await page.evaluate("document.fonts.ready.then(() => true)");
    const pdf = await page.pdf({
      format: "A4",
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#7f8c8d"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
    });
    return pdf;
  } finally {
    await browser.close();
  }
}
