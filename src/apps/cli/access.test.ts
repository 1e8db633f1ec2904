import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { registerAccessCommands } from "./access.js";
import { openStore } from "../../store/index.js";
import { verifyPassword } from "../server/auth/passwords.js";
import { sha256Hex } from "../server/auth/secrets.js";

async function run(args: string[], stdin = ""): Promise<string> {
  let out = "";
  const program = new Command("minerhunt").exitOverride();
  async function* input(): AsyncGenerator<Buffer> { yield Buffer.from(stdin); }
  registerAccessCommands(program, { stdin: input(), write: (t) => { out += t; }, env: { USER: "root-admin", LANG: "en_US.UTF-8" } });
  await program.parseAsync(["node", "minerhunt", ...args]);
  return out;
}

test("user and token commands: add with a password from stdin, list, tokens shown once and stored as a digest, revoke; all audited", async () => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-access-"));
  const db = join(dir, "m.db");
  try {
    await assert.rejects(run(["user", "add", "ann", "--role", "admin", "--db", db]), /No store at .*m\.db: create one with `minerhunt scan --db/);
    assert.match(await run(["user", "add", "ann", "--role", "admin", "--password-stdin", "--db", db, "--create"], "ann's long password\n"), /User ann added with role admin/);
    assert.match(await run(["user", "add", "bot", "--role", "analyst", "--db", db]), /bot has no password/);
    await assert.rejects(run(["user", "add", "ann", "--role", "viewer", "--db", db]), /already exists/);
    await assert.rejects(run(["user", "add", "weak", "--role", "viewer", "--password-stdin", "--db", db], "short\n"), /at least 12 characters/);
    const users = JSON.parse(await run(["user", "list", "--db", db, "--format", "json"])) as { name: string; hasPassword: boolean }[];
    assert.deepEqual(users.map((u) => [u.name, u.hasPassword]), [["ann", true], ["bot", false]]);

    const made = JSON.parse(await run(["token", "create", "--user", "bot", "--label", "fluent-bit on log01", "--db", db, "--format", "json"])) as { token: string; record: { id: string; role: string } };
    assert.match(made.token, /^mh_/);
    assert.equal(made.record.role, "analyst");
    const listed = await run(["token", "list", "--db", db]);
    assert.ok(listed.includes(made.record.id) && !listed.includes(made.token));
    assert.match(listed, /\tbot\tanalyst\tactive\tnever used\tfluent-bit on log01\n/);
    assert.match(await run(["token", "revoke", made.record.id, "--db", db]), /revoked/);
    await assert.rejects(run(["token", "revoke", made.record.id, "--db", db]), /no active token/);
    assert.match(await run(["user", "passwd", "ann", "--db", db], "a brand new password\n"), /Password of ann changed/);
    assert.match(await run(["user", "role", "bot", "viewer", "--db", db]), /bot now has role viewer/);
    assert.match(await run(["user", "disable", "bot", "--db", db]), /User bot disabled/);

    const store = await openStore(db, { auditHead: undefined });
    try {
      assert.ok(await verifyPassword(await store.auth.passwordHash("ann"), "a brand new password"));
      assert.equal((await store.auth.tokenBySha256(sha256Hex(made.token)))?.revokedAt !== undefined, true);
      const actions = (await store.auditRecords()).map((a) => `${a.actor} ${a.action} ${a.target ?? ""}`);
      for (const want of ["cli:root-admin user.added ann", "cli:root-admin token.created", "cli:root-admin token.revoked", "cli:root-admin user.password-changed ann", "cli:root-admin user.role-changed bot", "cli:root-admin user.disabled bot"]) {
        assert.ok(actions.some((a) => a.startsWith(want)), `${want} in ${actions.join("; ")}`);
      }
      assert.equal((await store.verifyAuditChain()).ok, true);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
