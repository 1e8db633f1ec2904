/**
 * What the attacker's principal made, from CloudTrail (LookupEvents by access key, per region): Auto Scaling
 * groups, launch templates, spot requests, Lambda functions, ECS, Batch and SageMaker work. Terminating an
 * instance a group or a persistent spot request owns only brings it back, so these are part of the plan.
 */
import type { TargetKind } from "../../../model/index.js";
import { awsErrorText } from "../../connectors/aws/clients.js";
import { mapLimit } from "../../connectors/aws/limit.js";
import { listRegions } from "../../connectors/aws/sweep.js";
import { lookupEvents, type TrailEvent } from "../../connectors/aws/trail.js";
import type { PlanInput, ResponseContext } from "../../types.js";
import { cachedRead, needAws, type AwsTargetParams } from "./common.js";

export interface MadeResource {
  kind: TargetKind;
  id: string;
  region: string;
  eventName: string;
  eventTime: string;
  by: string;
}

/** CloudTrail event name → what it made. Names as CloudTrail records them (Lambda's carries its API version). */
const MADE: Record<string, TargetKind> = {
  CreateAutoScalingGroup: "auto-scaling-group",
  CreateLaunchTemplate: "launch-template",
  RequestSpotInstances: "spot-request",
  RequestSpotFleet: "spot-request",
  CreateFunction20150331: "lambda-function",
  CreateFunction: "lambda-function",
  CreateService: "ecs-service",
  RunTask: "ecs-service",
  SubmitJob: "batch-job",
  CreateComputeEnvironment: "batch-job",
  CreateTrainingJob: "sagemaker-resource",
  CreateNotebookInstance: "sagemaker-resource",
  CreateEndpoint: "sagemaker-resource",
};

export interface PrincipalWork { resources: MadeResource[]; unreachable: { region: string; error: string }[] }

export function accessKeysOf(input: PlanInput<AwsTargetParams>): string[] {
  return [...new Set(input.params.accessKeys ?? input.incident.entities.accessKeys ?? [])].filter((k) => /^A[A-Z0-9]{15,127}$/.test(k));
}

export function principalResources(input: PlanInput<AwsTargetParams>, ctx: ResponseContext): Promise<PrincipalWork> {
  const keys = accessKeysOf(input);
  const regions = input.params.regions ?? input.incident.entities.regions;
  return cachedRead(ctx, JSON.stringify(["principal", keys, regions]), () => read(ctx, keys, regions?.length ? regions : undefined));
}

function resourceId(e: TrailEvent): string | undefined {
  const r = e.resources.find((x) => x.name);
  if (r?.name) return r.name;
  const params = (e.record.requestParameters ?? {}) as Record<string, unknown>;
  for (const k of ["autoScalingGroupName", "functionName", "launchTemplateName", "serviceName", "jobName", "trainingJobName", "notebookInstanceName", "endpointName"]) {
    if (typeof params[k] === "string") return params[k];
  }
  return undefined;
}

async function read(ctx: ResponseContext, keys: string[], regions?: string[]): Promise<PrincipalWork> {
  const out: PrincipalWork = { resources: [], unreachable: [] };
  if (!keys.length) return out;
  const aws = needAws(ctx);
  const where = regions ?? await listRegions(aws);
  await mapLimit(where, 4, async (region) => {
    for (const key of keys) {
      try {
        for (const e of await lookupEvents(aws, region, { AttributeKey: "AccessKeyId", AttributeValue: key }, 90, ctx.now())) {
          const kind = MADE[e.eventName];
          const id = kind ? resourceId(e) : undefined;
          if (kind && id) out.resources.push({ kind, id, region, eventName: e.eventName, eventTime: e.eventTime, by: key });
        }
      } catch (err) {
        out.unreachable.push({ region, error: awsErrorText(err) });
        return;
      }
    }
  });
  out.resources.sort((a, b) => a.region.localeCompare(b.region) || a.id.localeCompare(b.id));
  return out;
}
