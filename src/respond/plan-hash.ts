/**
 * A plan's content hash: sha256 over the canonical JSON (keys sorted, store/audit.ts) of the plan without
 * its id, createdAt and hash. An approval binds to it; any change to a step, a target, the mode or the money
 * gives another hash and so voids the approval.
 */
import { createHash } from "node:crypto";
import type { Plan } from "../model/index.js";
import { canonicalJson } from "../store/audit.js";

export function planHash(plan: Omit<Plan, "id" | "createdAt" | "hash"> & Partial<Pick<Plan, "id" | "createdAt" | "hash">>): string {
  const { id: _id, createdAt: _createdAt, hash: _hash, ...content } = plan;
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/** Whether the plan still is what its hash says (a stored plan edited behind minerhunt's back is not). */
export function planIntact(plan: Plan): boolean {
  return planHash(plan) === plan.hash;
}
