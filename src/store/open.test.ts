import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultStoreLocation, fingerprintFile, openStore, parseStoreLocation, StoreError } from "./index.js";
import { numberPlaceholders, parsePostgresUrl } from "./postgres.js";

describe("parseStoreLocation", () => {
  it("picks PostgreSQL by URL scheme and SQLite for paths", () => {
    assert.deepEqual(parseStoreLocation("postgres://root@127.0.0.1:5432/test"), { backend: "postgres", url: "postgres://root@127.0.0.1:5432/test" });
    assert.equal(parseStoreLocation("postgresql://db.example.org/soc").backend, "postgres");
    assert.deepEqual(parseStoreLocation("/var/lib/minerhunt/minerhunt.db"), { backend: "sqlite", path: "/var/lib/minerhunt/minerhunt.db" });
    assert.deepEqual(parseStoreLocation("sqlite:incidents.db"), { backend: "sqlite", path: "incidents.db" });
    assert.deepEqual(parseStoreLocation("file:///tmp/x.db"), { backend: "sqlite", path: "/tmp/x.db" });
  });
  it("refuses other schemes and empty locations with an error saying what is expected", () => {
    assert.throws(() => parseStoreLocation("mysql://db/soc"), (e: unknown) => e instanceof StoreError && /postgres:\/\//.test(e.message));
    assert.throws(() => parseStoreLocation("  "), StoreError);
  });
  it("defaults to MINERHUNT_DB, then a per-user data file", () => {
    assert.equal(defaultStoreLocation({ MINERHUNT_DB: "postgres://x/y" }), "postgres://x/y");
    assert.equal(defaultStoreLocation({ XDG_DATA_HOME: "/home/a/.data" }), "/home/a/.data/minerhunt/minerhunt.db");
    assert.equal(defaultStoreLocation({ HOME: "/home/b" }), "/home/b/.local/share/minerhunt/minerhunt.db");
  });
});

describe("PostgreSQL URL and SQL", () => {
  it("takes minerhunt's schema parameter off the URL", () => {
    assert.deepEqual(parsePostgresUrl("postgres://root@127.0.0.1:5432/test?schema=soc_team&sslmode=disable"),
      { connectionString: "postgres://root@127.0.0.1:5432/test?sslmode=disable", schema: "soc_team" });
  });
  it("refuses a schema that is not a plain identifier (it ends up in SQL)", () => {
    assert.throws(() => parsePostgresUrl("postgres://h/db?schema=x;DROP%20TABLE%20audit"), StoreError);
    assert.throws(() => parsePostgresUrl("postgres://h/db?schema=a%22b"), StoreError);
  });
  it("numbers placeholders in order", () => {
    assert.equal(numberPlaceholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?)"), "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
  });
});

describe("fingerprintFile", () => {
  it("gives size and the SHA-256 of the bytes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minerhunt-fp-"));
    try {
      const path = join(dir, "dns.log");
      writeFileSync(path, "abc");
      const fp = await fingerprintFile(path);
      assert.equal(fp.size, 3);
      assert.equal(fp.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      assert.equal(fp.path, path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("openStore with mustExist", () => {
  it("refuses a SQLite path that is not there (and does not create it); an existing one opens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mh-open-"));
    try {
      const missing = join(dir, "nope.db");
      await assert.rejects(openStore(missing, { mustExist: true }),
        (err: unknown) => err instanceof StoreError && err.code === "location" && err.message.includes(missing) && err.message.includes("--create"));
      assert.equal(existsSync(missing), false);
      const made = await openStore(missing);
      await made.close();
      const again = await openStore(missing, { mustExist: true });
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
