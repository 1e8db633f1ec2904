/**
 * Build a KubernetesClient: from a kubeconfig file (and optionally one of its contexts), the default
 * kubeconfig ($KUBECONFIG, ~/.kube/config, in-cluster), or an explicit server URL and bearer token
 * (tests point it at the fake API server on 127.0.0.1).
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import type { KubernetesClient } from "./types.js";

export interface KubernetesClientOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, else the in-cluster service account. */
  kubeconfig?: string;
  /** A context of that kubeconfig; default: its current-context. */
  context?: string;
  /** Instead of a kubeconfig: the API server's URL ... */
  server?: string;
  /** ... and a bearer token for it. */
  token?: string;
  /** Accept the server's certificate without checking it (only with `server`; a lab or test cluster). */
  insecureSkipTlsVerify?: boolean;
}

export function kubeConfigFrom(opts: KubernetesClientOptions): KubeConfig {
  const kc = new KubeConfig();
  if (opts.server !== undefined) {
    const url = new URL(opts.server);
    // The client refuses plain http unless TLS checks are off. Plain http is accepted only on loopback
    // (the fake API server of tests and `minerhunt lab`), where there is no certificate to check.
    const loopbackHttp = url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol === "http:" && !loopbackHttp) throw new Error(`kubernetes: refusing plain http to ${url.host}: use https`);
    kc.loadFromOptions({
      clusters: [{ name: "minerhunt", server: opts.server, skipTLSVerify: loopbackHttp || opts.insecureSkipTlsVerify === true }],
      users: [{ name: "minerhunt", token: opts.token }],
      contexts: [{ name: "minerhunt", cluster: "minerhunt", user: "minerhunt" }],
      currentContext: "minerhunt",
    });
    return kc;
  }
  try {
    if (opts.kubeconfig !== undefined) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new Error(`kubernetes: cannot read the kubeconfig ${opts.kubeconfig ?? "($KUBECONFIG or ~/.kube/config)"}: ${(err as Error).message}`);
  }
  if (opts.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      const known = kc.getContexts().map((c) => c.name).join(", ") || "none";
      throw new Error(`kubernetes: no context "${opts.context}" in ${opts.kubeconfig ?? "the kubeconfig"} (contexts: ${known})`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new Error(`kubernetes: ${opts.kubeconfig ?? "the kubeconfig"} names no cluster for its current context`);
  return kc;
}

export function createKubernetesClient(opts: KubernetesClientOptions = {}): KubernetesClient {
  const kc = kubeConfigFrom(opts);
  const cluster = opts.server ?? (kc.getCurrentContext() || kc.getCurrentCluster()?.server || "kubernetes");
  return {
    kind: "kubernetes",
    cluster,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}
