import { test } from "node:test";
import assert from "node:assert/strict";
import { AhoCorasick } from "./aho-corasick.js";

/** Every (literal id) occurrence in text, overlapping ones included, counted the slow way. */
function naiveHits(literals: readonly string[], text: string): Map<number, number> {
  const hits = new Map<number, number>();
  literals.forEach((lit, id) => {
    for (let at = text.indexOf(lit); at !== -1; at = text.indexOf(lit, at + 1)) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return hits;
}

function counted(ids: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

test("the automaton finds every occurrence the slow way finds, in its dense and its sparse form", () => {
  let seed = 11;
  const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  // A small alphabet makes shared prefixes, literals inside literals and long failure chains common.
  const word = (alphabet: string, max: number) => Array.from({ length: 1 + random(max) }, () => alphabet[random(alphabet.length)]).join("");
  for (let round = 0; round < 200; round++) {
    const alphabet = round % 2 === 0 ? "ab" : "abc:.x-é";
    const literals = [...new Set(Array.from({ length: 1 + random(12) }, () => word(alphabet, 6)))];
    const texts = Array.from({ length: 5 }, () => word(alphabet + "zZ", 40));
    for (const form of [{ name: "dense" }, { name: "sparse", maxDenseCells: 1 }]) {
      const automaton = new AhoCorasick(literals, false, form.maxDenseCells);
      for (const text of texts) {
        const hits: number[] = [];
        automaton.scan(text, hits);
        const expected = naiveHits(literals, text);
        assert.deepEqual(counted(hits), expected, `${form.name}: ${JSON.stringify(literals)} in ${JSON.stringify(text)}`);
        assert.equal(automaton.containsAny(text), expected.size > 0);
      }
    }
  }
});

test("folding ASCII case matches upper-case text against lower-case literals, and nothing else", () => {
  for (const maxDenseCells of [undefined, 1]) {
    const automaton = new AhoCorasick(["xmrig", "--donate-level", "pool.supportxmr.com"], true, maxDenseCells);
    assert.equal(automaton.containsAny("/tmp/XMRig -o POOL.SupportXMR.com:3333"), true);
    assert.equal(automaton.containsAny("/usr/bin/XMRIX --DONATE-LEVEL=1"), true);
    assert.equal(automaton.containsAny("/usr/sbin/sshd -D"), false);
    const hits: number[] = [];
    automaton.scan("XMRIG and xmrig", hits);
    assert.deepEqual(hits, [0, 0]);
  }
});

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
