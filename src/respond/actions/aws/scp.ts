/**
 * The guardrail service control policy, as a pure function: deny launching GPU and large instance families,
 * and deny everything outside the allowed regions (global services exempt, as in AWS's own example SCP).
 * Families and sizes come from data/intel/cloud.yaml, the list detection uses.
 */
import { join } from "node:path";
import { defaultIntelDir, readYaml } from "../../../intel/load.js";
import { CloudFileSchema } from "../../../intel/schema.js";

/** Services that are global (served from us-east-1 whatever the caller's region): a region deny must exempt them. */
const GLOBAL_ACTIONS = [
  "a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*", "budgets:*", "ce:*", "chime:*",
  "cloudfront:*", "config:*", "cur:*", "directconnect:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways",
  "ec2:DescribeVpnGateways", "fms:*", "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*",
  "mobileanalytics:*", "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
  "route53-recovery-cluster:*", "route53-recovery-control-config:*", "route53-recovery-readiness:*", "s3:GetAccountPublic*",
  "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*", "shield:*", "sts:*", "support:*",
  "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
];

/** SCPs are limited to 5,120 characters. */
export const SCP_MAX_CHARS = 5120;

export interface GuardrailInput {
  allowedRegions: string[];
  /** Instance type patterns to deny ("p3.*", "*.16xlarge"). */
  deniedInstanceTypes: string[];
  /** Roles that may still do anything anywhere (a break-glass role), as ARN patterns. */
  exemptPrincipalArns?: string[];
}

/** Deny patterns for the GPU families and big sizes in data/intel/cloud.yaml. */
export function defaultDeniedInstanceTypes(intelDir = defaultIntelDir()): string[] {
  const cloud = readYaml(join(intelDir, "cloud.yaml"), "cloud", CloudFileSchema);
  return [...cloud.instance_families.gpu.aws.map((f) => `${f}.*`), ...cloud.instance_families.compute_sizes.map((s) => `*.${s}`)];
}

export function guardrailPolicy(input: GuardrailInput): string {
  if (!input.allowedRegions.length) throw new Error("scp-guardrail: allowedRegions is empty: that would deny every region");
  for (const r of input.allowedRegions) if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(r)) throw new Error(`scp-guardrail: "${r}" is not a region name (like eu-west-1)`);
  for (const t of input.deniedInstanceTypes) if (!/^[a-z0-9*]+\.[a-z0-9*]+$/.test(t)) throw new Error(`scp-guardrail: "${t}" is not an instance type pattern (like p3.* or *.16xlarge)`);
  const exempt = input.exemptPrincipalArns?.length ? { ArnNotLike: { "aws:PrincipalARN": input.exemptPrincipalArns } } : {};
  const doc = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MinerhuntDenyMiningInstanceTypes", Effect: "Deny", Action: ["ec2:RunInstances", "ec2:StartInstances", "ec2:ModifyInstanceAttribute"],
        Resource: "arn:aws:ec2:*:*:instance/*", Condition: { StringLike: { "ec2:InstanceType": [...input.deniedInstanceTypes].sort() }, ...exempt },
      },
      {
        Sid: "MinerhuntDenyOtherRegions", Effect: "Deny", NotAction: GLOBAL_ACTIONS, Resource: "*",
        Condition: { StringNotEquals: { "aws:RequestedRegion": [...input.allowedRegions].sort() }, ...exempt },
      },
    ],
  };
  // Compact JSON: the size limit counts every character.
  const text = JSON.stringify(doc);
  if (text.length > SCP_MAX_CHARS) throw new Error(`scp-guardrail: the policy is ${text.length} characters, over the ${SCP_MAX_CHARS} SCPs allow; deny fewer patterns`);
  return text;
}
