import type { Detector } from "../../types.js";
import { billingAnomaly } from "./billing-anomaly.js";

/** PB-31's billing-based detection. */
export const billingDetectors: Detector[] = [billingAnomaly];

export { billingAnomaly };
