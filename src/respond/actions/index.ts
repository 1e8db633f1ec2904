/**
 * Every response action minerhunt knows. Connectors add ONE line each to AUTOMATED (their action files live
 * under actions/<name>.ts or connectors/<x>/actions.ts); a name there replaces the manual stand-in of the
 * same name (actions/manual.ts).
 */
import { ActionRegistry } from "../registry.js";
import type { ActionDefinition } from "../types.js";
import { MANUAL_ACTIONS } from "./manual.js";
import { hostActions } from "../connectors/host/actions.js";
import { AWS_ACTIONS } from "./aws/index.js";
import { KUBERNETES_ACTIONS } from "../connectors/kubernetes/actions.js";
import { AZURE_ACTIONS } from "../connectors/azure/actions.js";
import { GCP_ACTIONS } from "../connectors/gcp/actions.js";

export const AUTOMATED: readonly ActionDefinition[] = [
  // connectors: one line each
  ...hostActions,
  ...AWS_ACTIONS,
  ...KUBERNETES_ACTIONS,
  ...AZURE_ACTIONS,
  ...GCP_ACTIONS,
];

let registry: ActionRegistry | undefined;

/** The registry of every action (built once). */
export function defaultRegistry(): ActionRegistry {
  registry ??= new ActionRegistry(AUTOMATED, MANUAL_ACTIONS);
  return registry;
}
