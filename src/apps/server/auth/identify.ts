/**
 * Who is asking: an API token (Authorization: Bearer mh_...) or a session cookie. A token acts with the
 * lower of its own role and its user's current role, so demoting a user also demotes their tokens.
 */
import type { AuthRecords, SessionRecord } from "../../../store/types.js";
import { ROLES, type AuthUser, type Role } from "../contract.js";
import { TOKEN_PREFIX } from "./accounts.js";
import { findSession } from "./sessions.js";
import { sha256Hex } from "./secrets.js";

export type Identity =
  | { kind: "anonymous" }
  | { kind: "user"; user: AuthUser; session?: SessionRecord }
  /** Credentials were given and are wrong (a bad token is refused even on a public route). */
  | { kind: "refused"; reason: string };

function asRole(value: string): Role | undefined {
  return ROLES.find((r) => r === value);
}

function lower(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

export async function identifyToken(auth: AuthRecords, header: string, now: Date): Promise<Identity> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (!token || !token.startsWith(TOKEN_PREFIX) || token.length > 200) return { kind: "refused", reason: "malformed bearer token" };
  const record = await auth.tokenBySha256(sha256Hex(token));
  if (!record || record.revokedAt !== undefined) return { kind: "refused", reason: "unknown or revoked token" };
  const at = now.toISOString();
  if (record.expiresAt !== undefined && record.expiresAt <= at) return { kind: "refused", reason: "expired token" };
  const user = await auth.getUser(record.userName);
  const userRole = user ? asRole(user.role) : undefined;
  const tokenRole = asRole(record.role);
  if (!user || user.disabled || !userRole || !tokenRole) return { kind: "refused", reason: "the token's user is disabled or unknown" };
  // Last use to the minute is enough to spot a dead token; writing it on every request is not needed.
  if (record.lastUsedAt === undefined || record.lastUsedAt.slice(0, 16) !== at.slice(0, 16)) await auth.touchToken(record.id, at);
  return { kind: "user", user: { name: user.name, role: lower(userRole, tokenRole), via: "token" } };
}

export async function identifySession(auth: AuthRecords, cookie: string, now: Date): Promise<Identity> {
  const session = await findSession(auth, cookie, now);
  if (!session) return { kind: "anonymous" }; // a stale cookie is just no session
  const user = await auth.getUser(session.userName);
  const role = user ? asRole(user.role) : undefined;
  if (!user || user.disabled || !role) return { kind: "anonymous" };
  const via = session.via === "oidc" ? "oidc" : "session";
  return { kind: "user", user: { name: user.name, role, via, csrfToken: session.csrfToken }, session };
}
