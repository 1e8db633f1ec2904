/**
 * The Kubernetes connector's client handle, passed in through ResponseContext.clients.kubernetes.
 * Made by client.ts from a kubeconfig (the CLI) or from a server URL and token (tests, against the fake
 * API server in fake-api-server.ts). Actions use only these typed API groups, so what the connector can
 * touch is visible here and in the RBAC rules it declares (permissions.ts).
 */
import type { AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, NetworkingV1Api } from "@kubernetes/client-node";

export interface KubernetesClient {
  readonly kind: "kubernetes";
  /** Which cluster this is, as a person names it: the kubeconfig context, else the server URL. */
  readonly cluster: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly networking: NetworkingV1Api;
  /** For CRDs such as CiliumNetworkPolicy (only when the person asks for it). */
  readonly custom: CustomObjectsApi;
}
