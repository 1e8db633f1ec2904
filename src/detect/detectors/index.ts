import type { Detector } from "../types.js";
import { hostDetectors } from "./host/index.js";
import { networkDetectors } from "./network/index.js";
import { cloudDetectors } from "./cloud/index.js";
import { billingDetectors } from "./billing/index.js";
import { containerDetectors } from "./container/index.js";

/** The built-in (stateful) detectors; Sigma rules run beside them as one more detector. */
export const builtinDetectors: readonly Detector[] = [
  ...hostDetectors, ...networkDetectors, ...cloudDetectors, ...billingDetectors, ...containerDetectors,
];
