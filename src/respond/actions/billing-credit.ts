/**
 * The billing-credit support case (PB-31 recovery.billing-credit): the manual step carries the full draft,
 * in English and Thai, rendered by the emitters (respond/emitters/support-case.ts): what happened, the
 * timeline, the evidence, the USD impact, and a place for what was done. The draft names only the account
 * the step is for. Every incident value in it is escaped for Markdown.
 */
import type { Bilingual, Finding, Incident } from "../../model/index.js";
import { emitSupportCase } from "../emitters/support-case.js";

export function billingCaseDraft(incident: Incident, findings: readonly Finding[], account: string): Bilingual {
  const scoped: Incident = { ...incident, entities: { ...incident.entities, accounts: [account] } };
  return {
    en: emitSupportCase({ incident: scoped, findings, lang: "en" }),
    th: emitSupportCase({ incident: scoped, findings, lang: "th" }),
  };
}
