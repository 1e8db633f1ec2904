/** Route schemas shared by the API's modules (zod → validation and OpenAPI). */
import { z } from "zod";
import { INCIDENT_STATUSES, PRIORITIES, SEVERITIES, HOST_TYPES, ENVIRONMENTS } from "../../../model/index.js";
import { ScopeSchema } from "../../../model/schemas.js";

export const ErrorSchema = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });

/** The errors a route declares besides its success (OpenAPI shows them). */
export function errors(...codes: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(codes.map((c) => [c, ErrorSchema]));
}

/** Ids are hex-ish and short; anything else is refused before the store sees it. */
export const IdParam = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, "an id of letters, digits, . _ : -") });

export const IncidentSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(SEVERITIES),
  priority: z.enum(PRIORITIES),
  confidence: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  environment: z.enum(ENVIRONMENTS),
  hostType: z.enum(HOST_TYPES),
  scope: ScopeSchema,
  assignee: z.string().optional(),
  campaignId: z.string().optional(),
  billingUsd: z.number().optional(),
  /** What the latest response plan says the incident's targets burn, USD per hour. */
  usdPerHour: z.number().optional(),
  findings: z.number().int(),
  checklist: z.object({ done: z.number().int(), total: z.number().int() }),
});

/** "open,contained" → ["open", "contained"]; refused with the valid values otherwise. */
export function csvEnum<T extends string>(values: readonly T[], what: string): z.ZodType<T[] | undefined> {
  return z.string().max(200).optional().transform((text, ctx) => {
    if (text === undefined || text === "") return undefined;
    const parts = text.split(",").map((p) => p.trim());
    const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
    if (bad.length) {
      ctx.addIssue({ code: "custom", message: `unknown ${what} ${bad.join(", ")}: expected ${values.join(", ")}` });
      return z.NEVER;
    }
    return parts as T[];
  }) as unknown as z.ZodType<T[] | undefined>;
}
