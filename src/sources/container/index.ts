/**
 * Container sources: Falco runtime alerts (JSON and text output) and the Kubernetes API server audit log.
 * Both read JSON through ../cloud/json-doc.ts and share the cloud folder's small value helpers.
 */
import type { Source } from "../types.js";
import { falcoSource } from "./falco.js";
import { k8sAuditSource } from "./k8s-audit.js";
import { falcoTextSource } from "./falco-text.js";

export const containerSources: Source[] = [falcoSource, k8sAuditSource, falcoTextSource];

export { falcoSource, k8sAuditSource, falcoTextSource };
