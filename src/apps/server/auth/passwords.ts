/**
 * Passwords: argon2id (RFC 9106), the parameters kept inside each hash so they can be raised later
 * without breaking old hashes. A user who does not exist costs the same time as a wrong password.
 */
import argon2 from "argon2";

export interface HashParams {
  /** KiB of memory. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's first argon2id recommendation (19 MiB, t=2, p=1) raised to 64 MiB, t=3. */
export const DEFAULT_HASH_PARAMS: HashParams = { memoryCost: 64 * 1024, timeCost: 3, parallelism: 1 };

export const MIN_PASSWORD_CHARS = 12;
export const MAX_PASSWORD_CHARS = 1024;

/** Why a password is refused, or undefined when it will do. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_CHARS) return `a password needs at least ${MIN_PASSWORD_CHARS} characters`;
  if (password.length > MAX_PASSWORD_CHARS) return `a password has at most ${MAX_PASSWORD_CHARS} characters`;
  return undefined;
}

export function hashPassword(password: string, params: HashParams = DEFAULT_HASH_PARAMS): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...params });
}

let dummy: Promise<string> | undefined;

/** True when the password matches; with no hash (no such user, no password) a dummy hash is checked so timing says nothing. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_CHARS) return false;
  if (hash === undefined) {
    dummy ??= hashPassword("minerhunt-no-such-user-padding");
    await argon2.verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash never lets anyone in
  }
}
