/** The JSON API under /api/v1 (docs/server.md lists the routes; /api/v1/openapi.json describes them). */
import type { FastifyInstance } from "fastify";
import type { ServerDeps } from "../contract.js";
import { adminRoutes } from "./admin.js";
import { incidentRoutes } from "./incidents.js";
import { planRoutes } from "./plans.js";
import { reportRoutes } from "./reports.js";
import { workRoutes } from "./work.js";

export function apiRoutes(app: FastifyInstance, deps: ServerDeps): void {
  incidentRoutes(app, deps);
  workRoutes(app, deps);
  planRoutes(app, deps);
  reportRoutes(app, deps);
  adminRoutes(app, deps);
}
