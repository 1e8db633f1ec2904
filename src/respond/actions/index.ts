/**
 * Every response action minerhunt knows. Connectors add ONE line each to AUTOMATED (their action files live
 * under actions/<name>.ts or connectors/<x>/actions.ts); a name there replaces the manual stand-in of the
 * same name (actions/manual.ts).
 */
import { ActionRegistry } from "../registry.js";
import type { ActionDefinition } from "../types.js";
import { MANUAL_ACTIONS } from "./manual.js";

export const AUTOMATED: readonly ActionDefinition[] = [
  // connectors: one line each, e.g. ...HOST_ACTIONS,
];

let registry: ActionRegistry | undefined;

/** The registry of every action (built once). */
export function defaultRegistry(): ActionRegistry {
  registry ??= new ActionRegistry(AUTOMATED, MANUAL_ACTIONS);
  return registry;
}
