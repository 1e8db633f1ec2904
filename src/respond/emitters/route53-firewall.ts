/**
 * Route 53 Resolver DNS Firewall: the domain list as a file (one name per line, each also as "*.name",
 * since a DNS Firewall entry without a wildcard matches that name only), and the request bodies of
 * CreateFirewallDomainList, UpdateFirewallDomains (REPLACE, then ADD in chunks of 1,000, the API's
 * limit) and CreateFirewallRule (BLOCK with NXDOMAIN), for `aws route53resolver ... --cli-input-json`.
 * Ids the account assigns are placeholders in angle brackets.
 */
import { createHash } from "node:crypto";
import type { CleanBlocklist } from "./blocklist.js";
import { headerLines, type EmitOptions, type Emitted, type EmittedFile } from "./common.js";
import { safeRef } from "./validate.js";

/** UpdateFirewallDomains takes at most 1,000 domains per call. */
export const R53_DOMAINS_PER_CALL = 1000;

export interface Route53FirewallOptions extends EmitOptions {
  /** Rule priority in the rule group (lower runs first). */
  priority?: number;
  ruleGroupId?: string;
}

export function emitRoute53Firewall(list: CleanBlocklist, opts: Route53FirewallOptions = {}): Emitted {
  const entries = list.domains.flatMap((d) => [d, `*.${d}`]);
  const digest = createHash("sha256").update(entries.join("\n")).digest("hex").slice(0, 12);
  const ref = safeRef(list.refs.incidentId ?? list.refs.source).replace(/[^A-Za-z0-9_-]/g, "-");
  // Name: 1-64 of [A-Za-z0-9 _-], not all digits. The same list gives the same request id, so a retry creates nothing twice.
  const name = `minerhunt-${ref}`.slice(0, 64);
  const requestId = `minerhunt-${ref}-${digest}`;
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files: EmittedFile[] = [
    { name: "route53-firewall-domains.txt", content: `${entries.join("\n")}\n`, deploy: "upload to S3 and ImportFirewallDomains, or use the update JSON files" },
    {
      name: "route53-firewall-create-domain-list.json",
      content: json({ CreatorRequestId: requestId, Name: name, Tags: [{ Key: "minerhunt:source", Value: ref }] }),
      deploy: "aws route53resolver create-firewall-domain-list --cli-input-json file://FILE",
    },
  ];
  for (let i = 0, n = 1; i < entries.length || n === 1; i += R53_DOMAINS_PER_CALL, n++) {
    files.push({
      name: `route53-firewall-update-domains-${n}.json`,
      content: json({ FirewallDomainListId: "<FirewallDomainListId>", Operation: n === 1 ? "REPLACE" : "ADD", Domains: entries.slice(i, i + R53_DOMAINS_PER_CALL) }),
      deploy: "aws route53resolver update-firewall-domains --cli-input-json file://FILE (in order)",
    });
  }
  files.push({
    name: "route53-firewall-create-rule.json",
    content: json({
      CreatorRequestId: `${requestId}-rule`, Name: name, FirewallRuleGroupId: opts.ruleGroupId ?? "<FirewallRuleGroupId>",
      FirewallDomainListId: "<FirewallDomainListId>", Priority: opts.priority ?? 100, Action: "BLOCK", BlockResponse: "NXDOMAIN",
    }),
    deploy: "aws route53resolver create-firewall-rule --cli-input-json file://FILE (rule group associated with the VPCs)",
  });
  files.push({ name: "route53-firewall-README.txt", content: `${headerLines(list, "Route 53 Resolver DNS Firewall", opts).join("\n")}\n`, deploy: "read me" });
  return { files, dropped: [] };
}
