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
