import type { Detector } from "../../types.js";
import { poolConnectionDetector } from "./pool-connection.js";
import { poolDnsDetector } from "./pool-dns.js";
import { stratumDetector } from "./stratum.js";

/** Network detectors: pool names, pool connections, mining protocols. */
export const networkDetectors: Detector[] = [poolDnsDetector, poolConnectionDetector, stratumDetector];

export { createPoolDnsDetector, POOL_DNS_ID } from "./pool-dns.js";
export { createPoolConnectionDetector, POOL_CONNECTION_ID } from "./pool-connection.js";
export { createStratumDetector, STRATUM_ID } from "./stratum.js";
