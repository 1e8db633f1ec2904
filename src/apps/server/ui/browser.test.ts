/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core; never downloaded; under CI a
 * missing Chromium fails): sign in, open the example incident, tick an item, add a note, switch to Thai,
 * screenshots (kept in MINERHUNT_UI_SHOTS or a temporary folder, printed), all under the strict CSP.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../../test-helpers/index.js";
import { uiServer } from "./test-harness.js";
import { chromiumOrSkip, closeContexts, diagramsDrawn, foreignRequests, launch, listen, logIn, screenshotDir, watchedPage } from "./browser-kit.js";

test("sign in, open the example incident, tick, note, Thai, screenshots", { timeout: 180_000 }, async (t) => {
  if (!chromiumOrSkip(t)) return;
  const server = await uiServer({ paths: [join(REPO_ROOT, "examples")] });
  const { app, store } = server;
  const browser = await launch();
  const shots = screenshotDir();
  try {
    const base = await listen(app);
    const w = await watchedPage(browser);
    const { page } = w;
    await logIn(page, base, "analyst");
    await page.waitForSelector("table.queue");
    // The queue: the P1 incidents first; the database server's incident is there.
    const titles = await page.$$eval("table.queue tbody tr td:nth-child(3) a", (as) => as.map((a) => a.textContent ?? ""));
    assert.ok(titles.some((x) => x.includes("db-prod-01")), titles.join(" | "));
    await page.screenshot({ path: join(shots, "queue-en.png") });

    await Promise.all([page.waitForURL(/\/incidents\//), page.click("table.queue a:has-text('db-prod-01')")]);
    const incidentUrl = page.url();
    const incidentId = decodeURIComponent(incidentUrl.split("/incidents/")[1]!);
    assert.deepEqual(await diagramsDrawn(page), ["ok", "ok"], "the PB-31 path and the entity graph are drawn");
    // The highlighted decision path is inside the sandboxed frame: read it there.
    const decisionFrame = page.frames().find((f) => f.url().endsWith("/assets/diagram.html"));
    assert.ok(decisionFrame, "diagram frame");
    assert.ok((await decisionFrame.$$("svg g.node")).length >= 6, "the decision graph's nodes are drawn");
    await page.waitForSelector("[data-chart][data-drawn='ok'] canvas");

    // Tick an item through htmx: the row is replaced, with who and when.
    await page.click('button[data-item="containment.kill"]');
    await page.waitForSelector("#item-containment_kill[data-item-state='done']");
    assert.match(await page.textContent("#item-containment_kill") ?? "", /ticked by analyst at \d{4}-\d\d-\d\d/);
    const stored = await store.getIncident(incidentId);
    assert.equal(stored?.checklist.find((c) => c.id === "containment.kill")?.by, "analyst");

    // A note, also through htmx.
    await page.fill("#note-form textarea", "Killed pid 5135 on db-prod-01; <b>not</b> bold");
    await page.click("#note-form button");
    await page.waitForSelector("#notes-list li:has-text('Killed pid 5135')");
    assert.equal((await store.notes(incidentId)).length, 1);
    assert.equal(await page.inputValue("#note-form textarea"), "", "the form is emptied once the note is saved");
    assert.equal(await page.$("#notes-list b"), null, "the note's markup is text");

    await page.reload();
    await diagramsDrawn(page);
    await page.locator("header.top").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, "incident-en.png") });
    for (const [selector, file] of [["#checklist", "checklist-en.png"], ["#entities-diagram", "entities-en.png"], ["#chart-utilisation", "chart-en.png"]] as const) {
      await page.locator(selector).scrollIntoViewIfNeeded();
      await page.waitForTimeout(300); // an out-of-view frame is painted once it scrolls in
      await page.locator(selector).screenshot({ path: join(shots, file) });
    }
    await page.screenshot({ path: join(shots, "incident-en-full.png"), fullPage: true });

    // Thai: the switch keeps the page and every label changes language.
    await Promise.all([page.waitForURL(incidentUrl), page.click("header a.lang")]);
    assert.equal(await page.getAttribute("html", "lang"), "th");
    await diagramsDrawn(page);
    await page.locator("header.top").scrollIntoViewIfNeeded();
    const text = await page.textContent("main") ?? "";
    for (const label of ["เส้นทางการตัดสินใจ", "ยกเลิกเครื่องหมาย", "เพิ่มบันทึก"]) assert.ok(text.includes(label), `Thai label ${label}`);
    await page.screenshot({ path: join(shots, "incident-th.png") });
    await page.screenshot({ path: join(shots, "incident-th-full.png"), fullPage: true });
    await page.locator("table.timeline").screenshot({ path: join(shots, "timeline-th.png") });
    await page.goto(`${base}/`);
    await page.screenshot({ path: join(shots, "queue-th.png") });

    assert.deepEqual(w.violations, [], "no CSP violation");
    assert.deepEqual(w.dialogs, []);
    assert.deepEqual(w.errors, [], "no script error");
    assert.deepEqual(foreignRequests(w.requests, base), [], "only this server's pages and assets");
    t.diagnostic(`screenshots in ${shots}`);
  } finally {
    await closeContexts(browser);
    await server.close();
  }
});
