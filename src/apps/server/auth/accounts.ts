/**
 * Users and API tokens: the one place that changes them (the admin CLI and the server both call this),
 * so every change is checked the same way and goes to the audit log with who made it.
 */
import type { AuthRecords, Store, TokenRecord, UserRecord } from "../../../store/types.js";
import { StoreError } from "../../../store/types.js";
import { ROLES, type Role, roleAtLeast } from "../contract.js";
import { type HashParams, DEFAULT_HASH_PARAMS, hashPassword, passwordProblem } from "./passwords.js";
import { randomSecret, sha256Hex } from "./secrets.js";

type AccountStore = Pick<Store, "appendAudit"> & { auth: AuthRecords };

/** Letters, digits and . _ @ -: a name that is safe in a log line, a URL and a cookie. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Every API token starts so, which lets secret scanners find leaked ones. */
export const TOKEN_PREFIX = "mh_";

export function parseRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw new StoreError("invalid", `role "${value}": expected one of ${ROLES.join(", ")}`);
  return role;
}

export function checkUserName(name: string): string {
  if (!USER_NAME.test(name)) {
    throw new StoreError("invalid", `user name "${name.slice(0, 80)}": expected 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`);
  }
  return name;
}

export interface NewUser {
  name: string;
  role: Role;
  displayName?: string;
  /** None: the user signs in by OIDC only (or gets a password later). */
  password?: string;
}

export interface AccountOptions {
  actor: string;
  now: () => Date;
  hashParams?: HashParams;
}

export async function addUser(store: AccountStore, user: NewUser, o: AccountOptions): Promise<UserRecord> {
  checkUserName(user.name);
  parseRole(user.role);
  let passwordHash: string | undefined;
  if (user.password !== undefined) {
    const problem = passwordProblem(user.password);
    if (problem) throw new StoreError("invalid", problem);
    passwordHash = await hashPassword(user.password, o.hashParams ?? DEFAULT_HASH_PARAMS);
  }
  await store.auth.addUser({
    name: user.name, role: user.role, createdAt: o.now().toISOString(),
    ...(user.displayName !== undefined ? { displayName: user.displayName } : {}),
    ...(passwordHash !== undefined ? { passwordHash } : {}),
  });
  await store.appendAudit({ actor: o.actor, action: "user.added", target: user.name, details: { role: user.role, password: passwordHash !== undefined } });
  const saved = await store.auth.getUser(user.name);
  if (!saved) throw new StoreError("io", `user "${user.name}" was not saved`);
  return saved;
}

async function requireUser(store: AccountStore, name: string): Promise<UserRecord> {
  const user = await store.auth.getUser(name);
  if (!user) throw new StoreError("not-found", `no user "${name.slice(0, 80)}"`);
  return user;
}

/** A new password ends every session of the user. */
export async function setPassword(store: AccountStore, name: string, password: string, o: AccountOptions): Promise<void> {
  await requireUser(store, name);
  const problem = passwordProblem(password);
  if (problem) throw new StoreError("invalid", problem);
  await store.auth.setPassword(name, await hashPassword(password, o.hashParams ?? DEFAULT_HASH_PARAMS));
  const ended = await store.auth.deleteUserSessions(name);
  await store.appendAudit({ actor: o.actor, action: "user.password-changed", target: name, details: { sessionsEnded: ended } });
}

/** A disabled user cannot sign in; their sessions end and their tokens stop working. */
export async function setDisabled(store: AccountStore, name: string, disabled: boolean, o: AccountOptions): Promise<void> {
  await requireUser(store, name);
  await store.auth.setDisabled(name, disabled);
  const ended = disabled ? await store.auth.deleteUserSessions(name) : 0;
  await store.appendAudit({ actor: o.actor, action: disabled ? "user.disabled" : "user.enabled", target: name, details: { sessionsEnded: ended } });
}

export async function setRole(store: AccountStore, name: string, role: Role, o: AccountOptions): Promise<void> {
  const user = await requireUser(store, name);
  parseRole(role);
  await store.auth.setRole(name, role);
  await store.appendAudit({ actor: o.actor, action: "user.role-changed", target: name, details: { from: user.role, to: role } });
}

export interface NewToken {
  userName: string;
  label: string;
  /** At most the user's role; default the user's role. */
  role?: Role;
  /** Days until it stops working; none: until revoked. */
  expiresInDays?: number;
}

/** Make a token; the plain token is returned ONCE and never stored. */
export async function createToken(store: AccountStore, t: NewToken, o: AccountOptions): Promise<{ token: string; record: TokenRecord }> {
  const user = await requireUser(store, t.userName);
  const userRole = parseRole(user.role);
  const role = t.role ?? userRole;
  if (!roleAtLeast(userRole, role)) throw new StoreError("invalid", `a token of ${user.name} (${user.role}) cannot have the higher role ${role}`);
  const label = t.label.trim();
  if (label === "" || label.length > 200) throw new StoreError("invalid", "a token needs a label of 1-200 characters (what uses it)");
  if (t.expiresInDays !== undefined && !(t.expiresInDays > 0 && t.expiresInDays <= 3650)) {
    throw new StoreError("invalid", `expiry of ${t.expiresInDays} days: expected 1-3650`);
  }
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  const now = o.now();
  const record: TokenRecord = {
    id: `tok_${randomSecret(6)}`, userName: user.name, label, role, sha256: sha256Hex(token),
    createdAt: now.toISOString(), createdBy: o.actor,
    ...(t.expiresInDays !== undefined ? { expiresAt: new Date(now.getTime() + t.expiresInDays * 86_400_000).toISOString() } : {}),
  };
  await store.auth.addToken(record);
  await store.appendAudit({ actor: o.actor, action: "token.created", target: record.id, details: { user: user.name, label, role, expiresAt: record.expiresAt ?? null } });
  return { token, record };
}

export async function revokeToken(store: AccountStore, id: string, o: AccountOptions): Promise<void> {
  if (!(await store.auth.revokeToken(id, o.now().toISOString()))) {
    throw new StoreError("not-found", `no active token "${id.slice(0, 80)}"`);
  }
  await store.appendAudit({ actor: o.actor, action: "token.revoked", target: id });
}
