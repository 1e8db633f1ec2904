/**
 * The server needs the store's response records (plans, approvals, step runs). Until every store has
 * them (respond core, migration 3), a store without them answers plan requests with 501 rather than
 * failing to start.
 */
import type { ResponseRecords, Store } from "../store/types.js";
import { HttpError } from "./errors.js";

const METHODS = ["savePlan", "getPlan", "listPlans", "addApproval", "approvals", "addStepRun", "stepRuns"] as const;

function hasResponseRecords(store: Store): store is Store & ResponseRecords {
  const s = store as unknown as Record<string, unknown>;
  return METHODS.every((m) => typeof s[m] === "function");
}

export function asResponseStore(store: Store): Store & ResponseRecords {
  if (hasResponseRecords(store)) return store;
  const missing = (): Promise<never> => Promise.reject(new HttpError(501, "not-implemented", "this store keeps no response plans yet (respond core not built)"));
  const records: ResponseRecords = {
    savePlan: missing, getPlan: missing, listPlans: missing, addApproval: missing, approvals: missing, addStepRun: missing, stepRuns: missing,
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && prop in records) return records[prop as keyof ResponseRecords];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as Store & ResponseRecords;
}
