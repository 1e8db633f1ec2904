import { test } from "node:test";
import assert from "node:assert/strict";
import { AhoCorasick } from "./aho-corasick.js";

test("containsAnyBytes finds what containsAny finds, in the dense and the sparse form, ignoring ASCII case", () => {
  const literals = ["pool.", "xmr.", ".nanopool.org", "supportxmr.com", "onion", "a"];
  const texts = ["", "a", "b", "pool", "POOL.example", "xmr-eu1.NanoPool.org", "xmr.", "sub.supportxmr.comx", "www.example.com", "onio", "0.pool.ntp.org", "zzz", "é.onion"];
  const dense = new AhoCorasick(literals, true);
  for (const t of texts) {
    const buf = Buffer.from(`"${t}"`, "latin1");
    assert.equal(dense.containsAnyBytes(buf, 1, buf.length - 1), dense.containsAny(t), t);
  }
  // Enough literals and characters to pass the dense table's limit: the sparse trie answers alike.
  const many: string[] = [];
  for (let i = 0; i < 4000; i++) many.push(`${String.fromCharCode(0xa0 + (i % 90))}${i.toString(36)}lit${String.fromCharCode(0x100 + (i % 300))}`);
  many.push("pool.", "onion");
  const sparse = new AhoCorasick(many, true);
  assert.equal(sparse.containsAny("x"), false);
  for (const t of texts) {
    const buf = Buffer.from(t, "latin1");
    assert.equal(sparse.containsAnyBytes(buf, 0, buf.length), sparse.containsAny(t), t);
  }
});
