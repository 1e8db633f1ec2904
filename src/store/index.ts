/** The incident store's public face. */
export * from "./types.js";
export { openStore, parseStoreLocation, defaultStoreLocation, defaultAuditHead } from "./open.js";
export { appendAuditHead, checkAudit, readAuditHead } from "./audit-head.js";
export type { AuditCheck, AuditHead, AuditSource } from "./audit-head.js";
export type { StoreLocation } from "./open.js";
export { fingerprintFile } from "./fingerprint.js";
export { mergeablePairs, sharesMergeEntity, withinWindow } from "./merge.js";
export type { Reassess } from "./merge.js";
export { canonicalJson } from "./audit.js";
export { MIGRATIONS } from "./migrations.js";
