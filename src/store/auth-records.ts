/**
 * Users, API tokens and sessions in SQL (migration 4). Plain keeping: who may do what is decided in
 * server/auth; these rows never hold a secret, only SHA-256 digests of tokens and session ids and
 * argon2id hashes of passwords.
 */
import type { Row, SqlDriver } from "./sql.js";
import { colNum, colOptText, colText } from "./sql.js";
import type { AuthRecords, SessionRecord, TokenRecord, UserRecord } from "./types.js";
import { StoreError } from "./types.js";

function userFromRow(row: Row): UserRecord {
  const user: UserRecord = {
    name: colText(row, "name"),
    role: colText(row, "role"),
    disabled: colNum(row, "disabled") !== 0,
    createdAt: colText(row, "created_at"),
    hasPassword: row["password_hash"] != null,
  };
  const display = colOptText(row, "display_name");
  if (display !== undefined) user.displayName = display;
  return user;
}

function tokenFromRow(row: Row): TokenRecord {
  const token: TokenRecord = {
    id: colText(row, "id"),
    userName: colText(row, "user_name"),
    label: colText(row, "label"),
    role: colText(row, "role"),
    sha256: colText(row, "sha256"),
    createdAt: colText(row, "created_at"),
    createdBy: colText(row, "created_by"),
  };
  const expiresAt = colOptText(row, "expires_at");
  const lastUsedAt = colOptText(row, "last_used_at");
  const revokedAt = colOptText(row, "revoked_at");
  if (expiresAt !== undefined) token.expiresAt = expiresAt;
  if (lastUsedAt !== undefined) token.lastUsedAt = lastUsedAt;
  if (revokedAt !== undefined) token.revokedAt = revokedAt;
  return token;
}

function sessionFromRow(row: Row): SessionRecord {
  return {
    idSha256: colText(row, "id_sha256"),
    userName: colText(row, "user_name"),
    via: colText(row, "via"),
    csrfToken: colText(row, "csrf_token"),
    createdAt: colText(row, "created_at"),
    expiresAt: colText(row, "expires_at"),
  };
}

const USER_COLUMNS = "name, display_name, role, disabled, created_at, password_hash";

export class SqlAuthRecords implements AuthRecords {
  constructor(private readonly driver: SqlDriver) {}

  async addUser(user: { name: string; role: string; displayName?: string; passwordHash?: string; createdAt: string }): Promise<void> {
    await this.driver.withTransaction(async (conn) => {
      if (await conn.get("SELECT name FROM users WHERE name = ?", [user.name])) {
        throw new StoreError("invalid", `user "${user.name}" already exists`);
      }
      await conn.run("INSERT INTO users (name, display_name, role, disabled, created_at, password_hash) VALUES (?, ?, ?, 0, ?, ?)",
        [user.name, user.displayName ?? null, user.role, user.createdAt, user.passwordHash ?? null]);
    });
  }

  getUser(name: string): Promise<UserRecord | undefined> {
    return this.driver.withConnection(async (conn) => {
      const row = await conn.get(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`, [name]);
      return row ? userFromRow(row) : undefined;
    });
  }

  listUsers(): Promise<UserRecord[]> {
    return this.driver.withConnection(async (conn) => (await conn.all(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`)).map(userFromRow));
  }

  passwordHash(name: string): Promise<string | undefined> {
    return this.driver.withConnection(async (conn) => {
      const row = await conn.get("SELECT password_hash FROM users WHERE name = ?", [name]);
      return row ? colOptText(row, "password_hash") : undefined;
    });
  }

  private async updateUser(name: string, set: string, value: string | number): Promise<void> {
    const { changes } = await this.driver.withTransaction((conn) => conn.run(`UPDATE users SET ${set} = ? WHERE name = ?`, [value, name]));
    if (changes === 0) throw new StoreError("not-found", `no user "${name}"`);
  }

  setPassword(name: string, passwordHash: string): Promise<void> {
    return this.updateUser(name, "password_hash", passwordHash);
  }

  setDisabled(name: string, disabled: boolean): Promise<void> {
    return this.updateUser(name, "disabled", disabled ? 1 : 0);
  }

  setRole(name: string, role: string): Promise<void> {
    return this.updateUser(name, "role", role);
  }

  async addToken(t: TokenRecord): Promise<void> {
    await this.driver.withTransaction((conn) => conn.run(
      "INSERT INTO api_tokens (id, user_name, label, role, sha256, created_at, created_by, expires_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
      [t.id, t.userName, t.label, t.role, t.sha256, t.createdAt, t.createdBy, t.expiresAt ?? null]));
  }

  tokenBySha256(sha256: string): Promise<TokenRecord | undefined> {
    return this.driver.withConnection(async (conn) => {
      const row = await conn.get("SELECT * FROM api_tokens WHERE sha256 = ?", [sha256]);
      return row ? tokenFromRow(row) : undefined;
    });
  }

  listTokens(userName?: string): Promise<TokenRecord[]> {
    return this.driver.withConnection(async (conn) => {
      const rows = userName === undefined
        ? await conn.all("SELECT * FROM api_tokens ORDER BY created_at, id")
        : await conn.all("SELECT * FROM api_tokens WHERE user_name = ? ORDER BY created_at, id", [userName]);
      return rows.map(tokenFromRow);
    });
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const { changes } = await this.driver.withTransaction((conn) =>
      conn.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [at, id]));
    return changes > 0;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.driver.withConnection((conn) => conn.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [at, id]));
  }

  async addSession(s: SessionRecord): Promise<void> {
    await this.driver.withTransaction((conn) => conn.run(
      "INSERT INTO sessions (id_sha256, user_name, via, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      [s.idSha256, s.userName, s.via, s.csrfToken, s.createdAt, s.expiresAt]));
  }

  sessionBySha256(idSha256: string): Promise<SessionRecord | undefined> {
    return this.driver.withConnection(async (conn) => {
      const row = await conn.get("SELECT * FROM sessions WHERE id_sha256 = ?", [idSha256]);
      return row ? sessionFromRow(row) : undefined;
    });
  }

  async deleteSession(idSha256: string): Promise<void> {
    await this.driver.withTransaction((conn) => conn.run("DELETE FROM sessions WHERE id_sha256 = ?", [idSha256]));
  }

  async deleteUserSessions(userName: string): Promise<number> {
    return (await this.driver.withTransaction((conn) => conn.run("DELETE FROM sessions WHERE user_name = ?", [userName]))).changes;
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return (await this.driver.withTransaction((conn) => conn.run("DELETE FROM sessions WHERE expires_at <= ?", [now]))).changes;
  }
}
