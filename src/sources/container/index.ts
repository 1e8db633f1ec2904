/**
 * Container sources: Falco runtime alerts and the Kubernetes API server audit log.
 * Both read JSON through ../cloud/json-doc.ts and share the cloud folder's small value helpers.
 */
import type { Source } from "../types.js";
import { falcoSource } from "./falco.js";
import { k8sAuditSource } from "./k8s-audit.js";

export const containerSources: Source[] = [falcoSource, k8sAuditSource];

export { falcoSource, k8sAuditSource };
