import { test } from "node:test";
import assert from "node:assert/strict";
import { en } from "./en.js";
import { th } from "./th.js";
import { formatTime, formatUsd, interpolate, pick, plainUsd, resolveLang, t, translate } from "./index.js";

test("t: Thai and English messages with parameters", () => {
  assert.equal(t("en", "report.title"), "Incident report");
  assert.equal(t("th", "report.title"), "รายงานเหตุการณ์");
  assert.equal(t("en", "evidence.more", { count: 3 }), "…and 3 more records");
  assert.equal(t("th", "evidence.more", { count: 3 }), "…และอีก 3 รายการ");
});

test("the Thai catalogue has every English key, each non-empty, with the same placeholders", () => {
  assert.deepEqual(Object.keys(th).sort(), Object.keys(en).sort());
  const placeholders = (s: string) => (s.match(/\{[A-Za-z]+\}/g) ?? []).sort();
  for (const [key, text] of Object.entries(en)) {
    const thai = th[key as keyof typeof en];
    assert.ok(thai.length > 0, key);
    assert.deepEqual(placeholders(thai), placeholders(text), `placeholders of ${key}`);
  }
});

test("fallbacks: missing Thai → English; missing everywhere → the key; unknown placeholder stays", () => {
  const catalogues = { en: { a: "English A", b: "English B {n}" }, th: { a: "ไทย A", b: "" } };
  assert.equal(translate(catalogues, "th", "a"), "ไทย A");
  assert.equal(translate(catalogues, "th", "b", { n: 2 }), "English B 2", "empty Thai falls back to English");
  assert.equal(translate(catalogues, "th", "zzz"), "zzz");
  assert.equal(interpolate("{a} and {b} and {not a name} and {", { a: 1 }), "1 and {b} and {not a name} and {");
  assert.equal(pick({ en: "E", th: "" }, "th"), "E");
  assert.equal(pick({ en: "E", th: "ท" }, "th"), "ท");
});

test("interpolate inserts values as text, once (a value that looks like a placeholder is not expanded)", () => {
  assert.equal(interpolate("{a}{b}", { a: "{b}", b: "x" }), "{b}x");
});

test("resolveLang: --lang first, then LC_ALL, LC_MESSAGES, LANG; th* means Thai", () => {
  assert.equal(resolveLang("th", {}), "th");
  assert.equal(resolveLang("EN", { LANG: "th_TH.UTF-8" }), "en");
  assert.equal(resolveLang("th_TH.UTF-8", {}), "th");
  assert.throws(() => resolveLang("fr", {}), /Unknown language fr: expected th or en/);
  assert.equal(resolveLang(undefined, { LANG: "th_TH.UTF-8" }), "th");
  assert.equal(resolveLang(undefined, { LC_ALL: "en_US.UTF-8", LANG: "th_TH.UTF-8" }), "en", "LC_ALL wins");
  assert.equal(resolveLang(undefined, { LC_ALL: "", LC_MESSAGES: "th_TH", LANG: "en_US" }), "th");
  assert.equal(resolveLang(undefined, { LANG: "C.UTF-8" }), "en");
  assert.equal(resolveLang(undefined, {}), "en");
  assert.equal(resolveLang("", { LANG: "th" }), "th", "an empty flag is no flag");
});

test("formatUsd and formatTime", () => {
  assert.equal(formatUsd(18342.55), "$18,342.55");
  assert.equal(formatUsd(1000), "$1,000.00");
  assert.equal(formatTime("2026-11-20T02:10:04Z"), "2026-11-20 02:10:04Z");
  assert.equal(formatTime("2026-11-20T09:10:04+07:00"), "2026-11-20 02:10:04Z");
  assert.equal(formatTime("yesterday"), "yesterday");
});

test("formatUsd writes what Intl.NumberFormat writes, without making one for ordinary amounts", () => {
  const intl = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  // Halves (on the shortest decimal form: 1.005 is "1.005", not 1.00499...), signs, zeros, grouping, the edges.
  const edges = [0, -0, 1, -1, 0.005, -0.005, 1.005, 2.675, 1.255, 99.995, -999.995, 0.0049999, -0.001, 0.1 + 0.2, 1000, 1000.01,
    4210.5, 8250.99, 123456789012.345, 999999999999999.9, 1e-7, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const values = [...edges];
  for (let i = 0; i < 20000; i++) {
    const v = random() * 10 ** Math.floor(random() * 14);
    values.push(i % 3 === 0 ? Math.round(v * 1000) / 1000 : i % 3 === 1 ? -(Math.round(v * 100) / 100 + 0.005) : v);
  }
  for (const v of values) assert.equal(formatUsd(v), intl.format(v), String(v));
  assert.equal(plainUsd(1234.5), "$1,234.50", "ordinary amounts need no Intl");
  assert.equal(plainUsd(1e21), undefined, "exponent forms are left to Intl");
  assert.equal(plainUsd(Number.NaN), undefined);
});
