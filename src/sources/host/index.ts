/**
 * Host sources: process listings (ps, top, osquery, ECS NDJSON), audit trails (auditd, shell history, the
 * Cowrie honeypot's log) and files collected from a host (crontabs, systemd units, ld.so.preload, miner
 * configs). flattenEcs is exported for other ECS-reading sources.
 */
import type { Source } from "../types.js";
import { crontabSource } from "./crontab.js";
import { ecsNdjsonSource } from "./ecs-ndjson.js";
import { ecsJsonDocSource } from "./ecs-json-doc.js";
import { ecsKibanaCsvSource } from "./kibana-csv.js";
import { ldSoPreloadSource } from "./ld-so-preload.js";
import { minerConfigSource } from "./miner-config.js";
import { osqueryProcessesSource } from "./osquery-processes.js";
import { psSource } from "./ps.js";
import { systemdUnitSource } from "./systemd-unit.js";
import { hostnameSource } from "./hostname.js";
import { auditdSource } from "./auditd/source.js";
import { laurelSource } from "./auditd/laurel.js";
import { topSource } from "./top/source.js";
import { shellHistorySource } from "./shell/history.js";
import { cowrieSource } from "./shell/cowrie.js";

export const hostSources: Source[] = [
  psSource,
  osqueryProcessesSource,
  ecsNdjsonSource,
  ecsJsonDocSource,
  ecsKibanaCsvSource,
  crontabSource,
  systemdUnitSource,
  ldSoPreloadSource,
  minerConfigSource,
  hostnameSource,
  auditdSource,
  laurelSource,
  topSource,
  shellHistorySource,
  cowrieSource,
];

export { auditdSource, topSource, shellHistorySource, cowrieSource, hostnameSource, crontabSource, ecsNdjsonSource, ldSoPreloadSource, minerConfigSource, osqueryProcessesSource, psSource, systemdUnitSource };
export { flattenEcs, DEFAULT_FLATTEN_LIMITS, type FlattenLimits, type FlattenOptions } from "./flatten-ecs.js";
export { CollectedHostNames, collectedHostNames } from "./collected-host.js";
