/**
 * The ResponseContext the CLI and the server act with: who acts, the clients, what is protected (site config:
 * allowlist.hosts and respond.protect, plus PID 1 and minerhunt itself), the price table and the registry.
 */
import type { DetectConfig } from "../detect/config.js";
import { buildClients, type ClientOptions } from "./clients.js";
import { loadPriceTable } from "./prices.js";
import { protectedTargets } from "./protect.js";
import type { ResponseContext } from "./types.js";

export function responseContext(actor: string, config: DetectConfig, clients: ClientOptions = {}): ResponseContext {
  return {
    clients: buildClients(clients),
    protect: protectedTargets(config),
    actor,
    now: () => new Date(),
    prices: loadPriceTable(),
  };
}
