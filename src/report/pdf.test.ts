/**
 * Runs Chromium: only where /usr/bin/chromium exists (apt-get install -y chromium fonts-thai-tlwg).
 */
import { existsSync } from "node:fs";
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { loadPlaybook } from "../playbook/index.js";
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM, ChromiumMissingError, htmlToPdf } from "./pdf.js";
import { renderReport } from "./render.js";
import { hostileFinding, incidentFrom, realisticFindings } from "./test-helpers/incident.js";
import { skipOrFailInCi } from "../test-helpers/index.js";

const playbook = loadPlaybook("PB-31");

function needChromium(t: TestContext): boolean {
  if (existsSync(DEFAULT_CHROMIUM)) return true;
  skipOrFailInCi(t, `no Chromium at ${DEFAULT_CHROMIUM}: install it with apt-get install -y chromium fonts-thai-tlwg`);
  return false;
}

/** Page count from the PDF's page tree (/Type /Pages ... /Count N). */
function pageCount(pdf: Buffer): number {
  const counts = [...pdf.toString("latin1").matchAll(/\/Count (\d+)/g)].map((m) => Number(m[1]));
  return counts.length ? Math.max(...counts) : 0;
}

test("PDF in Thai: a real PDF with pages", { timeout: 120_000 }, async (t) => {
  if (!needChromium(t)) return;
  const findings = realisticFindings();
  const pdf = await renderReport(incidentFrom(findings), findings, { lang: "th", format: "pdf", playbook });
  assert.ok(Buffer.isBuffer(pdf));
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  assert.ok(pageCount(pdf) >= 1, `pages: ${pageCount(pdf)}`);
});

test("HTML in Chromium: mermaid draws the decision path offline and hostile text stays text", { timeout: 120_000 }, async (t) => {
  if (!needChromium(t)) return;
  const findings = [...realisticFindings(), hostileFinding()];
  const html = await renderReport(incidentFrom(findings), findings, { lang: "en", format: "html", playbook }) as string;
  const browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await (await browser.newContext({ offline: true })).newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
    const requests: string[] = [];
    page.on("request", (r) => { requests.push(r.url()); });
    await page.setContent(html, { waitUntil: "load" });
    await page.waitForFunction("document.documentElement.dataset.mermaid !== 'pending'", undefined, { timeout: 60_000 });
    assert.equal(await page.evaluate("document.documentElement.dataset.mermaid"), "done",
      String(await page.evaluate("document.documentElement.dataset.mermaidError || ''")));
    assert.equal(await page.evaluate("document.querySelectorAll('figure.diagram svg').length"), 1);
    assert.equal(await page.evaluate("document.querySelectorAll('img').length"), 0, "the hostile <img> is text, not an element");
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith("data:") && u !== "about:blank"), [], "nothing fetched");
  } finally {
    await browser.close();
  }
});

test("a missing Chromium is a clear error, not a crash", async () => {
  await assert.rejects(htmlToPdf("<html></html>", { chromiumPath: "/nonexistent/chromium" }),
    (err: unknown) => err instanceof ChromiumMissingError && /apt-get install -y chromium fonts-thai-tlwg/.test(err.message));
});
