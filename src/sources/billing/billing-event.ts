/**
 * One billing event (docs/events.md, "Billing"), whatever the provider's export looked like.
 *
 * Currency rule: `minerhunt.billing.cost` always holds the amount as billed and
 * `minerhunt.billing.currency` its currency. `minerhunt.billing.cost_usd` is set only when the amount is
 * in USD or the file itself gives a rate to convert it (the caller passes `costUsd` then); no rate is
 * ever guessed, so a EUR bill without a rate keeps cost_usd unset and says so through the other two.
 */
import type { Event } from "../../model/index.js";
import { baseEvent } from "../metrics/event-base.js";

export type Provider = "aws" | "azure" | "gcp";

export interface BillingRecord {
  provider: Provider;
  /** ISO start of the usage period. */
  start?: string;
  /** ISO end of the usage period. */
  end?: string;
  accountId?: string;
  region?: string;
  service?: string;
  usageType?: string;
  machineType?: string;
  instanceId?: string;
  resourceId?: string;
  lineItemType?: string;
  cost: number;
  currency?: string;
  /** USD amount when the file gives a rate; for USD bills it is filled in here. */
  costUsd?: number;
  usageAmount?: number;
}

export function billingEvent(path: string, line: number | undefined, format: string, record: BillingRecord): Event {
  const event = baseEvent({ path, line, format, dataset: `${record.provider}.billing`, category: ["billing"], kind: "metric" });
  if (record.start !== undefined) event["@timestamp"] = record.start;
  if (record.end !== undefined) event["minerhunt.billing.period_end"] = record.end;
  event["cloud.provider"] = record.provider;
  if (record.accountId !== undefined) event["cloud.account.id"] = record.accountId;
  if (record.region !== undefined) event["cloud.region"] = record.region;
  if (record.service !== undefined) event["minerhunt.billing.service"] = record.service;
  if (record.usageType !== undefined) event["minerhunt.billing.usage_type"] = record.usageType;
  if (record.machineType !== undefined) event["cloud.machine.type"] = record.machineType;
  if (record.instanceId !== undefined) event["cloud.instance.id"] = record.instanceId;
  if (record.resourceId !== undefined) event["minerhunt.billing.resource_id"] = record.resourceId;
  if (record.lineItemType !== undefined) event["minerhunt.billing.line_item_type"] = record.lineItemType;
  event["minerhunt.billing.cost"] = record.cost;
  if (record.currency !== undefined) event["minerhunt.billing.currency"] = record.currency;
  const usd = record.costUsd ?? (isUsd(record.currency) ? record.cost : undefined);
  if (usd !== undefined) event["minerhunt.billing.cost_usd"] = roundMoney(usd);
  if (record.usageAmount !== undefined) event["minerhunt.billing.usage_amount"] = record.usageAmount;
  return event;
}

export function isUsd(currency: string | undefined): boolean {
  return currency !== undefined && currency.trim().toUpperCase() === "USD";
}

/** Conversions give long fractions; ten decimal places keep every real billing precision. */
export function roundMoney(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}

/** AWS instance-type shape: "p3.16xlarge", "u-6tb1.metal", "db.r5.large". */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]{0,20}(?:\.[a-z0-9-]{1,20}){1,2}$/;

/**
 * The EC2 instance type inside an AWS usage type: "BoxUsage:p3.16xlarge", "USE1-SpotUsage:g4dn.xlarge",
 * "EU-DedicatedUsage:c5.metal", "HostBoxUsage:...". Only usage types that bill instance hours qualify.
 */
export function machineTypeFromUsageType(usageType: string): string | undefined {
  const colon = usageType.lastIndexOf(":");
  if (colon === -1 || usageType.length > 128) return undefined;
  const kind = usageType.slice(0, colon);
  if (!/(?:Box|Spot|Dedicated|Host|Instance)Usage|UnusedBox|HeavyUsage/.test(kind)) return undefined;
  const type = usageType.slice(colon + 1);
  return INSTANCE_TYPE.test(type) ? type : undefined;
}

/** AWS region code shape ("us-east-1", "us-gov-west-1", "ap-southeast-4"). */
export function isAwsRegion(text: string): boolean {
  return /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]{4,10}-\d{1,2}$/.test(text);
}
