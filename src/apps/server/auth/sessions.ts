/**
 * Browser sessions: a random id in an HttpOnly, SameSite=Strict cookie, a server-side row keyed by the
 * id's SHA-256 (a stolen database holds no usable session), an absolute expiry, a new id at every
 * sign-in (no fixation) and a synchronizer CSRF token per session.
 */
import type { AuthRecords, SessionRecord } from "../../../store/types.js";
import { randomSecret, sha256Hex } from "./secrets.js";

export const SESSION_COOKIE = "mh_session";
export const DEFAULT_SESSION_MINUTES = 12 * 60;

export interface CookieOptions {
  path: string;
  httpOnly: true;
  sameSite: "strict";
  secure: boolean;
  maxAge?: number;
}

export function sessionCookieOptions(secure: boolean, minutes?: number): CookieOptions {
  return { path: "/", httpOnly: true, sameSite: "strict", secure, ...(minutes !== undefined ? { maxAge: minutes * 60 } : {}) };
}

export async function startSession(
  auth: AuthRecords, userName: string, via: "session" | "oidc", now: Date, minutes: number,
): Promise<{ cookie: string; record: SessionRecord }> {
  const cookie = randomSecret();
  const record: SessionRecord = {
    idSha256: sha256Hex(cookie), userName, via, csrfToken: randomSecret(),
    createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
  };
  await auth.addSession(record);
  return { cookie, record };
}

/** The live session a cookie names, or undefined (unknown or expired; an expired row is removed). */
export async function findSession(auth: AuthRecords, cookie: string, now: Date): Promise<SessionRecord | undefined> {
  if (cookie.length > 200) return undefined;
  const digest = sha256Hex(cookie);
  const session = await auth.sessionBySha256(digest);
  if (!session) return undefined;
  if (session.expiresAt <= now.toISOString()) {
    await auth.deleteSession(digest);
    return undefined;
  }
  return session;
}

export async function endSession(auth: AuthRecords, cookie: string): Promise<void> {
  await auth.deleteSession(sha256Hex(cookie));
}
