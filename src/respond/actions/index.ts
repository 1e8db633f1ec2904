/**
 * The action registry's list of actions, by connector. The respond core's registry reads ACTIONS; each
 * connector's helper adds its own line here (keep it one line per connector to keep merges trivial).
 */
import type { ActionDefinition } from "../types.js";
import { AWS_ACTIONS } from "./aws/index.js";

export const ACTIONS: readonly ActionDefinition<never>[] = [
  ...AWS_ACTIONS,
];
