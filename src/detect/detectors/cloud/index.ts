import type { Detector } from "../../types.js";
import { cloudAlert } from "./cloud-alert.js";
import { defenseEvasion } from "./defense-evasion.js";
import { iamPersistence } from "./iam-persistence.js";
import { quotaErrors } from "./quota-errors.js";
import { runInstancesBurst } from "./run-instances-burst.js";

/** Provider alerts and CloudTrail control-plane detectors. */
export const cloudDetectors: Detector[] = [cloudAlert, runInstancesBurst, iamPersistence, quotaErrors, defenseEvasion];

export { cloudAlert, defenseEvasion, iamPersistence, quotaErrors, runInstancesBurst };
