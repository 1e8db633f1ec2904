/**
 * The AWS connector's client handle, passed in through ResponseContext.clients.aws: the official SDK v3
 * clients, one per service and region, all built the same way (credentials, endpoint override for
 * `minerhunt lab`, adaptive retry). Actions and the sweep never build clients themselves.
 */
import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { BudgetsClient } from "@aws-sdk/client-budgets";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { GuardDutyClient } from "@aws-sdk/client-guardduty";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { STSClient } from "@aws-sdk/client-sts";

export interface AwsClients {
  readonly kind: "aws";
  /** Where global services (IAM, STS, Budgets, Organizations) and DescribeRegions are called. */
  readonly homeRegion: string;
  /** The endpoint override in use ("http://127.0.0.1:4566" for the lab), if any. */
  readonly endpoint?: string;
  ec2(region: string): EC2Client;
  autoScaling(region: string): AutoScalingClient;
  cloudTrail(region: string): CloudTrailClient;
  guardDuty(region: string): GuardDutyClient;
  iam(): IAMClient;
  sts(): STSClient;
  budgets(): BudgetsClient;
  organizations(): OrganizationsClient;
  /** The account the credentials belong to (STS GetCallerIdentity, asked once). */
  accountId(): Promise<string>;
  /** Close every client's sockets. */
  destroy(): void;
}
