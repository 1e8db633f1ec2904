/**
 * AWS network ACL entries and a quarantine security group, as request bodies for the EC2 API
 * (`aws ec2 create-network-acl-entry --cli-input-json file://...`).
 *
 * NACL: deny entries numbered from `firstRule` up, all below the ACL's allow rules (`belowRule`, 100 in the
 * usual layout), since the lowest number that matches decides. Pool addresses are denied both ways (egress
 * to them, ingress from them); pool ports are denied on egress only (on ingress the port is our ephemeral
 * one). A NACL holds 20 entries per direction by default, so the budget is bounded and what does not fit
 * is reported. Security groups cannot deny: the quarantine group allows nothing in and nothing out, and
 * isolating an instance with it does not cut connections already open (security groups track them).
 */
import type { CleanBlocklist, Rejected } from "./blocklist.js";
import { headerLines, type EmitOptions, type Emitted, type EmittedFile } from "./common.js";
import { safeRef } from "./validate.js";

export interface NaclOptions extends EmitOptions {
  networkAclId?: string;
  vpcId?: string;
  /** First deny rule number. */
  firstRule?: number;
  /** The lowest allow rule number: every deny entry must come before it. */
  belowRule?: number;
  /** Entries minerhunt may add per direction (the default quota is 20 per direction, allow rules included). */
  maxPerDirection?: number;
}

interface NaclEntry {
  NetworkAclId: string;
  RuleNumber: number;
  Protocol: string;
  RuleAction: "deny";
  Egress: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From: number; To: number };
}

/** Consecutive ports as ranges: 3333, 3334, 3335 → 3333-3335 (one entry instead of three). */
function portRanges(ports: number[]): { From: number; To: number }[] {
  const ranges: { From: number; To: number }[] = [];
  for (const p of [...ports].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && p === last.To + 1) last.To = p;
    else ranges.push({ From: p, To: p });
  }
  return ranges;
}

export function emitAwsNetwork(list: CleanBlocklist, opts: NaclOptions = {}): Emitted {
  const aclId = opts.networkAclId ?? "<NetworkAclId>";
  const first = opts.firstRule ?? 1;
  const below = opts.belowRule ?? 100;
  const budget = Math.min(opts.maxPerDirection ?? 18, below - first);
  if (!Number.isInteger(first) || first < 1 || budget < 1) throw new Error(`NACL rule numbers: firstRule ${first} must be at least 1 and below belowRule ${below}`);
  const dropped: Rejected[] = [];
  const entries: NaclEntry[] = [];
  const next = { egress: first, ingress: first };
  const push = (egress: boolean, e: Omit<NaclEntry, "NetworkAclId" | "RuleNumber" | "RuleAction" | "Egress">, what: Rejected): void => {
    const key = egress ? "egress" : "ingress";
    if (next[key] - first >= budget) { dropped.push({ ...what, reason: `over the NACL budget of ${budget} ${key} entries (rules ${first}-${below - 1})` }); return; }
    entries.push({ NetworkAclId: aclId, RuleNumber: next[key]++, RuleAction: "deny", Egress: egress, ...e });
  };
  // Addresses first: they are precise; a port rule stops every destination on that port.
  for (const ip of [...list.v4, ...list.v6]) {
    const cidr = ip.family === 4 ? { CidrBlock: ip.prefix === 32 ? `${ip.address}/32` : ip.cidr } : { Ipv6CidrBlock: ip.prefix === 128 ? `${ip.address}/128` : ip.cidr };
    push(true, { Protocol: "-1", ...cidr }, { kind: "ip", value: ip.cidr, reason: "" });
    push(false, { Protocol: "-1", ...cidr }, { kind: "ip", value: ip.cidr, reason: "" });
  }
  for (const protocol of ["tcp", "udp"] as const) {
    const number = protocol === "tcp" ? "6" : "17";
    for (const range of portRanges(list.ports.filter((p) => p.protocol === protocol).map((p) => p.port))) {
      const what: Rejected = { kind: "port", value: range.From === range.To ? String(range.From) : `${range.From}-${range.To}`, reason: "" };
      push(true, { Protocol: number, CidrBlock: "0.0.0.0/0", PortRange: range }, what);
      push(true, { Protocol: number, Ipv6CidrBlock: "::/0", PortRange: range }, what);
    }
  }
  const ref = safeRef(list.refs.incidentId ?? list.refs.source);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files: EmittedFile[] = [
    { name: "aws-nacl-entries.json", content: json(entries), deploy: "one aws ec2 create-network-acl-entry --cli-input-json per element (rule numbers must be free)" },
    {
      name: "aws-quarantine-sg-create.json",
      content: json({
        GroupName: `minerhunt-quarantine-${ref}`.slice(0, 255),
        Description: `minerhunt quarantine (${ref}): no inbound, no outbound`,
        VpcId: opts.vpcId ?? "<VpcId>",
        TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "minerhunt:incident", Value: ref }, { Key: "Name", Value: "minerhunt-quarantine" }] }],
      }),
      deploy: "aws ec2 create-security-group --cli-input-json file://FILE (a new group has no inbound rules)",
    },
    {
      name: "aws-quarantine-sg-revoke-egress.json",
      // A new group allows all outbound traffic (IPv4, and IPv6 in a dual-stack VPC): both go.
      content: json({ GroupId: "<GroupId>", IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] }),
      deploy: "aws ec2 revoke-security-group-egress --cli-input-json file://FILE, then modify-instance-attribute --groups <GroupId>; open connections are not cut",
    },
    { name: "aws-network-README.txt", content: `${headerLines(list, "AWS NACL and quarantine security group", opts).join("\n")}\n`, deploy: "read me" },
  ];
  return { files, dropped };
}
