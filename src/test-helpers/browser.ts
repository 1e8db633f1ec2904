/**
 * The test process's one Chromium (Debian's, never downloaded). The browser test files that share a process
 * (scripts/run-tests.mjs packs several into one) share it; each test works in contexts of its own, which
 * keep no cookies, storage or cache from one another. Starting Chromium costs about 1.5 CPU-seconds.
 * A test ends with closeContexts, never browser.close(); the browser is closed when the process's tests
 * are done. Tests that are about starting and stopping Chromium (the PDF renderer's) start their own.
 */
import { after } from "node:test";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from "../report/pdf.js";

let shared: Promise<Browser> | undefined;

export async function sharedBrowser(): Promise<Browser> {
  if (shared && !(await shared.catch(() => undefined))?.isConnected()) shared = undefined; // crashed or failed to start: start again
  shared ??= chromium.launch({ executablePath: DEFAULT_CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  return shared;
}

after(async () => {
  const browser = await shared?.catch(() => undefined);
  await browser?.close();
});

/** Closes the contexts (pages, cookies, storage) a test opened in the shared browser. */
export async function closeContexts(browser: Browser): Promise<void> {
  for (const context of browser.contexts()) await context.close();
}
