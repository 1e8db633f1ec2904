/**
 * Log content is the attacker's: a host name, process command lines, file paths and finding titles carrying
 * `<img src=x onerror=alert(1)>`, `"><script>alert(1)</script>` and `javascript:` URLs, read through the real
 * scan pipeline into the store, must show as text in a real browser and run nothing: no dialog, no request
 * but to this server's own pages and assets, no CSP violation, no element or link made from them, in the
 * pages and in the diagram frames (mermaid draws the entity graph from these very values).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { href } from "./html.js";
import { uiServer } from "./test-harness.js";
import { chromiumOrSkip, closeContexts, diagramsDrawn, foreignRequests, launch, listen, logIn, screenshotDir, watchedPage } from "./browser-kit.js";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "\"><script>alert(1)</script>";
const JS_URL = "javascript:alert(document.cookie)";

/** A `ps auxww` capture and an Elastic Defend process event whose every attacker-chosen field is hostile. */
function hostileLogs(root: string): string {
  // The folder name is part of every evidence path shown.
  const dir = join(root, `${SCRIPT}${IMG}${JS_URL.replace(/\//g, "_")}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ps-auxww.txt"), [
    "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
    "root            1  0.0  0.1 167744 13120 ?        Ss   Nov10   0:41 /sbin/init",
    `www-data     6621 390.1  3.9 2581204 342880 ?       Ssl  Nov18 1401:22 /tmp/${SCRIPT}/xmrig -o pool.supportxmr.com:443 -u ${IMG} --url ${JS_URL} -p ${SCRIPT} --donate-level 1`,
  ].join("\n") + "\n");
  writeFileSync(join(dir, "edr.ndjson"), JSON.stringify({
    "@timestamp": "2026-11-18T21:30:02.114Z",
    agent: { type: "endpoint" },
    data_stream: { dataset: "endpoint.events.process" },
    event: { action: "exec", category: ["process"], type: ["start"], kind: "event", dataset: "endpoint.events.process", module: "endpoint" },
    host: { name: `${IMG}${SCRIPT}${JS_URL}`, os: { type: "linux" } },
    process: {
      pid: 4242, name: "xmrig", executable: `/dev/shm/${IMG}/xmrig`,
      command_line: `/dev/shm/${IMG}/xmrig -o stratum+tcp://pool.minexmr.com:4444 -u ${JS_URL} --donate-level 1`,
      args: ["xmrig"], parent: { pid: 1, name: "bash" },
    },
    user: { name: SCRIPT },
  }) + "\n");
  return dir;
}

test("hostile log text shows as text and runs nothing", { timeout: 240_000 }, async (t) => {
  if (!chromiumOrSkip(t)) return;
  const root = mkdtempSync(join(tmpdir(), "minerhunt-xss-"));
  const server = await uiServer({ paths: [hostileLogs(root)] });
  const browser = await launch();
  const shots = screenshotDir();
  try {
    const incidents = await server.store.listIncidents();
    assert.ok(incidents.some((i) => i.title.includes(IMG)), `an incident titled with the hostile host name: ${incidents.map((i) => i.title).join(" | ")}`);
    const base = await listen(server.app);
    const w = await watchedPage(browser);
    const { page } = w;
    await logIn(page, base, "analyst");
    // Also a note and an assignee written by an analyst: the UI treats them the same way.
    const target = incidents.find((i) => i.title.includes(IMG))!;
    const paths = ["/", ...incidents.map((i) => href("/incidents", [i.id]))];
    await page.goto(`${base}${paths[1]}`);
    await page.fill("#note-form textarea", `${IMG} ${SCRIPT} ${JS_URL}`);
    await page.click("#note-form button");
    await page.waitForSelector("#notes-list li:has-text('onerror')");

    for (const path of paths) {
      await page.goto(`${base}${path}`);
      if (path !== "/") assert.deepEqual((await diagramsDrawn(page)).filter((s) => s !== "ok"), [], `diagrams drawn on ${path}`);
      const text = await page.textContent("body") ?? "";
      assert.ok(text.includes("<img src=x onerror=alert(1)>"), `${path}: the img tag is shown as text`);
      if (path === href("/incidents", [target.id])) {
        assert.ok(text.includes("<script>alert(1)</script>"), `${path}: the script tag is shown as text`);
        assert.ok(text.includes(JS_URL), `${path}: the javascript: URL is shown as text`);
      }
      // Nothing made from them, in the page or in any frame.
      for (const frame of page.frames()) {
        const made = await frame.$$eval("img, script:not([src]), [onerror], a[href^='javascript' i], iframe:not(.diagram), object, embed",
          (els) => els.map((e) => e.outerHTML.slice(0, 120)));
        assert.deepEqual(made, [], `${path} (${frame.url()}): elements made from log text`);
      }
      const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href") ?? ""));
      assert.deepEqual(links.filter((h) => !h.startsWith("/")), [], `${path}: every link is a path of this server`);
    }
    await page.goto(`${base}${href("/incidents", [target.id])}`);
    await diagramsDrawn(page);
    await page.screenshot({ path: join(shots, "xss-incident.png") });
    await page.locator("#entities-diagram").scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.locator("#entities-diagram").screenshot({ path: join(shots, "xss-entities.png") });

    assert.deepEqual(w.dialogs, [], "no dialog");
    assert.deepEqual(w.violations, [], "no CSP violation");
    assert.deepEqual(w.errors, [], "no script error");
    assert.deepEqual(foreignRequests(w.requests, base), [], "no request but to this server's pages and assets");
    assert.ok(!w.requests.some((u) => /\/x$|alert/.test(u)), "no request for the injected image");
    t.diagnostic(`screenshots in ${shots}`);
  } finally {
    await closeContexts(browser);
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
