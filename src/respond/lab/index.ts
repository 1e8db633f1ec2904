/** `minerhunt lab`: a fake AWS account on 127.0.0.1 for tests, the bench and game days (docs/aws.md). */
import { buildWorld, loadScenario, type BuildOptions } from "./scenario.js";
import { startLabServer, type LabServer } from "./server.js";

export { buildWorld, loadScenario, type Scenario } from "./scenario.js";
export { startLabServer, type LabServer } from "./server.js";
export type { LabFault, LabWorld, LabInstance } from "./world.js";

/** Credentials the lab accepts (it reads only the credential scope); never real ones. */
export const LAB_CREDENTIALS = { accessKeyId: "AKIALAB0000MINERHUNT", secretAccessKey: "lab-secret-not-a-real-key" } as const;

export interface StartLabOptions extends BuildOptions {
  seed?: string;
  port?: number;
}

export async function startLab(opts: StartLabOptions = {}): Promise<LabServer> {
  return startLabServer(buildWorld(loadScenario(opts.seed ?? "default"), opts), opts.port ?? 0);
}
