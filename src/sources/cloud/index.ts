/**
 * Cloud sources: the control plane (CloudTrail, Cloud Logging) and the providers' own alerts
 * (GuardDuty, Defender for Cloud, Security Command Center).
 *
 * They do not use ctx.prefilter: control-plane records and provider alerts are few next to flow or
 * DNS logs, and a record can matter whatever its text (a RunInstances names no pool). The exception is
 * Cloud DNS query entries inside Cloud Logging exports, which gcp.logging judges like other DNS logs.
 */
import type { Source } from "../types.js";
import { cloudTrailSource } from "./cloudtrail.js";
import { defenderSource } from "./defender.js";
import { gcpLoggingSource } from "./gcp-logging.js";
import { guardDutySource } from "./guardduty.js";
import { sccSource } from "./scc.js";

export const cloudSources: Source[] = [cloudTrailSource, guardDutySource, defenderSource, sccSource, gcpLoggingSource];

export { cloudTrailSource, defenderSource, gcpLoggingSource, guardDutySource, sccSource };
