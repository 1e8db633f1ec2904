/**
 * Deterministic UUIDs (RFC 4122 version 5, SHA-1 of a namespace and a name), so exporting the same
 * incident twice gives the same STIX ids and a re-import updates instead of duplicating.
 */
import { createHash } from "node:crypto";

/** minerhunt's own namespace for name-based ids. */
export const MINERHUNT_NAMESPACE = "5b0d6c3e-8f1a-4e7b-9c2d-3a4f5e6b7c8d";

export function uuidv5(name: string, namespace = MINERHUNT_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
