/**
 * The seam for the billing-credit support case (PB-31 recovery.billing-credit). The emitters (issue 10 item 5)
 * will render the full case draft, in Thai and English, with the evidence and the USD impact; until they land,
 * the manual step carries this short summary so the person filing the case has the numbers in front of them.
 * Replace the body of `billingCaseDraft`, keep its signature: the manual action calls it at plan time.
 */
import type { Bilingual, Finding, Incident } from "../../model/index.js";
import { formatUsd } from "../../i18n/index.js";

export function billingCaseDraft(incident: Incident, findings: readonly Finding[], account: string): Bilingual {
  const usd = incident.billingUsd === undefined ? "unknown" : formatUsd(incident.billingUsd);
  const usdTh = incident.billingUsd === undefined ? "ไม่ทราบ" : formatUsd(incident.billingUsd);
  const from = incident.firstSeen;
  const to = incident.lastSeen;
  return {
    en: `Account ${account}: unauthorised cryptomining (incident ${incident.id}, ${findings.length} finding(s)) from ${from} to ${to}; ` +
      `abnormal charges ${usd}. We ask for a credit of the charges caused by the compromise.`,
    th: `บัญชี ${account}: มีการขุดคริปโตโดยไม่ได้รับอนุญาต (incident ${incident.id}, ${findings.length} finding) ตั้งแต่ ${from} ถึง ${to}; ` +
      `ค่าใช้จ่ายผิดปกติ ${usdTh} ขอ credit สำหรับค่าใช้จ่ายที่เกิดจากการถูกเจาะระบบ`,
  };
}
