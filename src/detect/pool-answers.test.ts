import { test } from "node:test";
import assert from "node:assert/strict";
import { PoolAnswers } from "./pool-answers.js";

const address = (i: number): string => `198.51.${(i >> 8) & 255}.${i & 255}`;

test("one name's endless answers cannot push another pool's addresses out", () => {
  const answers = new PoolAnswers<string>(1_000, 50);
  answers.learn("xmr-eu1.nanopool.org", "185.71.66.20");
  // A fast-flux look-alike answers 20,000 different addresses: it keeps only its latest 50.
  for (let i = 0; i < 20_000; i++) answers.learn("xmr.flux.example", address(i));
  assert.deepEqual(answers.namesOf("185.71.66.20"), ["xmr-eu1.nanopool.org"]);
  assert.equal(answers.size, 51);
  assert.equal(answers.has(address(19_999)), true, "the latest answers are kept");
  assert.equal(answers.has(address(19_950)), true);
  assert.equal(answers.has(address(19_949)), false, "older ones of the same name are forgotten first");
});

test("an address two names share keeps both; forgetting it for one name keeps it for the other", () => {
  const answers = new PoolAnswers<string>(1_000, 2);
  answers.learn("pool.supportxmr.com", "203.0.113.7");
  answers.learn("xmr.pool.example", "203.0.113.7");
  assert.deepEqual(answers.namesOf("203.0.113.7"), ["pool.supportxmr.com", "xmr.pool.example"]);
  answers.learn("xmr.pool.example", "203.0.113.8");
  answers.learn("xmr.pool.example", "203.0.113.9"); // the name's oldest (.7) leaves its two slots
  assert.deepEqual(answers.namesOf("203.0.113.7"), ["pool.supportxmr.com"]);
  // Learned again: no new slot, so the name's other addresses stay.
  answers.learn("xmr.pool.example", "203.0.113.9");
  assert.equal(answers.has("203.0.113.8"), true);
});

test("overall bound: the least recently learned address goes first; learning one again keeps it", () => {
  const answers = new PoolAnswers<string>(3, 100);
  answers.learn("a.pool.example", "192.0.2.1");
  answers.learn("b.pool.example", "192.0.2.2");
  answers.learn("c.pool.example", "192.0.2.3");
  answers.learn("a.pool.example", "192.0.2.1"); // re-resolved: now the most recent
  answers.learn("d.pool.example", "192.0.2.4");
  assert.equal(answers.has("192.0.2.2"), false);
  assert.equal(answers.has("192.0.2.1"), true);
  assert.equal(answers.size, 3);
  // An address the overall bound forgot and its name answers again is held by its new slot.
  answers.learn("b.pool.example", "192.0.2.2");
  assert.deepEqual(answers.namesOf("192.0.2.2"), ["b.pool.example"]);
});
