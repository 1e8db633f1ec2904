import type { Detector } from "../../types.js";
import { falcoMiner } from "./falco-miner.js";
import { k8sWorkload } from "./k8s-workload.js";

/** Falco alerts and Kubernetes audit-log workloads. */
export const containerDetectors: Detector[] = [falcoMiner, k8sWorkload];

export { falcoMiner, k8sWorkload };
