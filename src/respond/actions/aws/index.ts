/** Every AWS response action, in the order a plan runs them by default (evidence, then containment, then recovery). */
import type { ActionDefinition } from "../../types.js";
import { isolateInstance, stopInstance, terminateInstance } from "./containment.js";
import { protectTermination, snapshotVolumes, tagInstance } from "./evidence.js";
import { budgetAlert, enableGuardDuty, scpGuardrail } from "./guardrails.js";
import { denyAllPolicy, disableAccessKey, revokeSessions, rotateAccessKey } from "./iam.js";
import { attackerResources, cancelSpotRequests, containAutoScalingGroup } from "./related.js";
import { sweepRegions } from "./sweep-regions.js";

export const AWS_ACTIONS: readonly ActionDefinition[] = [
  sweepRegions, snapshotVolumes, tagInstance, protectTermination, isolateInstance, containAutoScalingGroup, cancelSpotRequests,
  stopInstance, terminateInstance, disableAccessKey, denyAllPolicy, revokeSessions, rotateAccessKey, attackerResources,
  enableGuardDuty, budgetAlert, scpGuardrail,
] as unknown as readonly ActionDefinition[];

export { sweepTargets, sweepEntities } from "./common.js";
export { guardrailPolicy, defaultDeniedInstanceTypes } from "./scp.js";
export { revokeSessionsPolicy } from "./iam.js";
