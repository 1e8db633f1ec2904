/** The response engine's public face (docs/respond.md): the service, the registry, the contract, the helpers. */
export { approvePlan, executePlan, planIncident, planState, undoPlan, GATE_FAILED } from "./service.js";
export type { ApproveRequest, ExecuteRequest, PlanRequest, PlanState, ResponseStore } from "./service.js";
export { ActionRegistry, kubernetesRule, leastPrivilegePolicy } from "./registry.js";
export type { IamPolicy, KubernetesRule, LeastPrivilegePolicy } from "./registry.js";
export { AUTOMATED, defaultRegistry } from "./actions/index.js";
export { MANUAL_ACTIONS, manualAction } from "./actions/manual.js";
export { buildPlan, planItems, PLAN_PHASES } from "./plan.js";
export { planHash, planIntact } from "./plan-hash.js";
export { protectedTargets, protectionReason } from "./protect.js";
export type { ProtectConfig } from "./protect.js";
export { loadPriceTable, parsePriceFile, PRICE_DIR, PriceTableError, YamlPriceTable } from "./prices.js";
export { instanceFacts } from "./instance-facts.js";
export { buildClients } from "./clients.js";
export type { ClientOptions } from "./clients.js";
export { responseContext } from "./context.js";
export { RespondError } from "./errors.js";
export type * from "./types.js";
