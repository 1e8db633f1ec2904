/**
 * Runs Chromium and poppler: only where /usr/bin/chromium and pdftoppm exist
 * (apt-get install -y chromium fonts-thai-tlwg poppler-utils); under CI=true a missing one fails.
 * Page counts are pdftoppm's: it renders every page, so the count is what a reader gets.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { loadPlaybook } from "../playbook/index.js";
import { runScan } from "../pipeline/run.js";
import { DEFAULT_CHROMIUM, ChromiumMissingError, createPdfRenderer, htmlToPdf } from "./pdf.js";
import { flowchartSvg } from "./diagram.js";
import { renderReport } from "./render.js";
import { writeBigCapture } from "./test-helpers/big-capture.js";
import { hostileFinding, incidentFrom, realisticFindings } from "./test-helpers/incident.js";
import { CLOSE_REASON, approvalsOf, closedIncident, historyOf, notesOf, responsePlan, stepRunsOf } from "./test-helpers/response.js";
import { skipOrFailInCi } from "../test-helpers/index.js";
import { closeContexts, sharedBrowser } from "../test-helpers/browser.js";
import { MAX_KEPT_POOL_ENDPOINTS } from "../model/index.js";

const playbook = loadPlaybook("PB-31");
const PDFTOPPM = "/usr/bin/pdftoppm";
const PDFTOTEXT = "/usr/bin/pdftotext";
const MAX_PAGES = 12;

function needTools(t: TestContext, tools: string[] = [DEFAULT_CHROMIUM, PDFTOPPM]): boolean {
  const missing = tools.filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  skipOrFailInCi(t, `missing ${missing.join(", ")}: install with apt-get install -y chromium fonts-thai-tlwg poppler-utils`);
  return false;
}

/** Pages as pdftoppm renders them (at a tiny resolution: only the count matters). */
function pages(pdf: Buffer): number {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-pdf-"));
  try {
    const file = join(dir, "r.pdf");
    writeFileSync(file, pdf);
    execFileSync(PDFTOPPM, ["-r", "4", "-png", file, join(dir, "page")], { stdio: "ignore" });
    return readdirSync(dir).filter((f) => f.startsWith("page")).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function text(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-pdf-"));
  try {
    writeFileSync(join(dir, "r.pdf"), pdf);
    return execFileSync(PDFTOTEXT, ["-enc", "UTF-8", join(dir, "r.pdf"), "-"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a big capture's incident (hundreds of pool addresses) gives a PDF of at most 12 pages, in Thai and English", { timeout: 180_000 }, async (t) => {
  if (!needTools(t)) return;
  const file = writeBigCapture(300);
  try {
    const { incidents, findings } = await runScan({ paths: [file] });
    assert.equal(incidents.length, 1);
    const inc = incidents[0]!;
    const mine = findings.filter((f) => inc.findingIds.includes(f.id));
    // Findings are facts (one per pool name, one per class of unnamed endpoints: model/pool-endpoints.ts), so
    // the hundreds of addresses are counted inside a few findings, each listing a bounded number of them.
    const endpoints = Math.max(...mine.map((f) => Number(f.facts?.["pool.endpoints"] ?? 0)));
    assert.ok(endpoints >= 300, `${endpoints} endpoints in one finding`);
    assert.ok(mine.every((f) => (f.entities.pools?.length ?? 0) <= MAX_KEPT_POOL_ENDPOINTS + 1), "bounded lists");
    const renderer = createPdfRenderer();
    try {
      for (const lang of ["th", "en"] as const) {
        const pdf = await renderReport(inc, mine, { lang, format: "pdf", playbook, pdfRenderer: renderer }) as Buffer;
        const n = pages(pdf);
        assert.ok(n >= 4 && n <= MAX_PAGES, `${lang}: ${n} pages`);
      }
    } finally {
      await renderer.close();
    }
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
});

test("a closed incident's PDF (th and en) lists the notes, the actions and the close reason", { timeout: 120_000 }, async (t) => {
  if (!needTools(t, [DEFAULT_CHROMIUM, PDFTOPPM, PDFTOTEXT])) return;
  const findings = realisticFindings();
  const incident = closedIncident(incidentFrom(findings));
  const plan = responsePlan(incident.id);
  const work = { notes: notesOf(incident.id), history: historyOf(incident.id), plans: [plan], approvals: approvalsOf(plan), stepRuns: stepRunsOf(plan) };
  const renderer = createPdfRenderer();
  try {
    for (const lang of ["th", "en"] as const) {
      const pdf = await renderReport(incident, findings, { lang, format: "pdf", playbook, pdfRenderer: renderer, ...work }) as Buffer;
      assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
      const n = pages(pdf);
      assert.ok(n >= 2 && n <= MAX_PAGES, `${lang}: ${n} pages`);
      const words = text(pdf).replace(/\s+/g, " ");
      assert.ok(words.includes(CLOSE_REASON.slice(0, 40)), `${lang}: close reason`);
      assert.ok(words.includes("xmrig ran as jenkins"), `${lang}: note`);
      assert.ok(words.includes("disable-access-key"), `${lang}: action`);
      assert.ok(words.includes("state=gone") && words.includes("AccessDenied: iam:UpdateAccessKey"), `${lang}: verification and error`);
    }
  } finally {
    await renderer.close();
  }
});

test("one renderer prints several PDFs with one browser (two at once in separate tabs), and starts a new one after close()", { timeout: 120_000 }, async (t) => {
  if (!needTools(t, [DEFAULT_CHROMIUM])) return;
  const findings = realisticFindings();
  const incident = incidentFrom(findings);
  const renderer = createPdfRenderer();
  try {
    const a = await renderReport(incident, findings, { lang: "en", format: "pdf", playbook, pdfRenderer: renderer }) as Buffer;
    // Two at once (the server): each takes its own tab, neither sees the other's page.
    const [b, th] = await Promise.all([
      renderReport(incident, findings, { lang: "en", format: "pdf", playbook, pdfRenderer: renderer }) as Promise<Buffer>,
      renderReport(incident, findings, { lang: "th", format: "pdf", playbook, pdfRenderer: renderer }) as Promise<Buffer>,
    ]);
    await renderer.close();
    const c = await renderReport(incident, findings, { lang: "en", format: "pdf", playbook, pdfRenderer: renderer }) as Buffer;
    for (const pdf of [a, b, th, c]) assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    if (existsSync(PDFTOTEXT)) {
      assert.match(text(b), /Incident report/);
      assert.match(text(th), /รายงานเหตุการณ์/);
      assert.doesNotMatch(text(b), /รายงานเหตุการณ์/, "the English PDF is not the Thai page");
    }
  } finally {
    await renderer.close();
  }
});

test("HTML in Chromium: the SVG decision path is drawn offline and hostile text stays text", { timeout: 120_000 }, async (t) => {
  if (!needTools(t, [DEFAULT_CHROMIUM])) return;
  const findings = [...realisticFindings(), hostileFinding()];
  const html = await renderReport(incidentFrom(findings), findings, { lang: "en", format: "html", playbook }) as string;
  const browser = await sharedBrowser();
  try {
    const page = await (await browser.newContext({ offline: true })).newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
    const requests: string[] = [];
    page.on("request", (r) => { requests.push(r.url()); });
    await page.setContent(html, { waitUntil: "load" });
    assert.equal(await page.evaluate("document.querySelectorAll('figure.diagram svg g.node').length"), 8);
    assert.equal(await page.evaluate("document.querySelectorAll('figure.diagram svg g.node.on-path').length"), 6);
    const box = await page.evaluate("JSON.stringify(document.querySelector('figure.diagram svg').getBoundingClientRect())") as string;
    assert.ok((JSON.parse(box) as { height: number }).height > 200, `the drawing has a size: ${box}`);
    assert.equal(await page.evaluate("document.querySelectorAll('img').length"), 0, "the hostile <img> is text, not an element");
    // A real XML parser's verdict on the drawing, hostile labels included.
    const hostile = flowchartSvg({
      id: "evil", type: "flowchart", direction: "TD", title: { en: "t\"><script>alert(1)</script>", th: "t" },
      nodes: [{ id: "A", shape: "box", label: { en: "<img src=x onerror=alert(1)> & \u0007", th: "x" } }, { id: "B", shape: "decision", label: { en: "]]></text></svg>", th: "y" } }],
      edges: [{ from: "A", to: "B", label: { en: "</tspan><a href=\"javascript:alert(3)\">x</a>", th: "e" } }],
    }, "en", { highlight: ["A"] });
    const parsed = await page.evaluate(`(() => { const d = new DOMParser().parseFromString(${JSON.stringify(hostile)}, "image/svg+xml");
      return JSON.stringify({ errors: d.getElementsByTagName("parsererror").length, root: d.documentElement.nodeName, a: d.getElementsByTagName("a").length, texts: d.getElementsByTagName("text").length }); })()`) as string;
    assert.deepEqual(JSON.parse(parsed), { errors: 0, root: "svg", a: 0, texts: 3 });
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith("data:") && u !== "about:blank"), [], "nothing fetched");
  } finally {
    await closeContexts(browser);
  }
});

test("a missing Chromium is a clear error, not a crash", async () => {
  await assert.rejects(htmlToPdf("<html></html>", { chromiumPath: "/nonexistent/chromium" }),
    (err: unknown) => err instanceof ChromiumMissingError && /apt-get install -y chromium fonts-thai-tlwg/.test(err.message));
});
