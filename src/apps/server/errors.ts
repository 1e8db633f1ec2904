/**
 * Every error leaves as JSON {error, message} with the status that says what went wrong; a store error
 * maps to 404 (not found), 409 (ambiguous id) or 400 (invalid). Internal details stay in the server's log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { RespondError } from "../../respond/errors.js";
import { StoreError } from "../../store/types.js";

export interface ErrorBody {
  error: string;
  message: string;
  /** Extra, machine-readable detail (the valid checklist ids, the lines that were refused...). */
  details?: unknown;
}

/** An error a route throws on purpose, with its status. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = "HttpError";
  }
}

const STORE_STATUS: Record<StoreError["code"], number> = { "not-found": 404, ambiguous: 409, invalid: 400, location: 500, io: 500 };

/** A refused step or a plan not approved for its content is a conflict with the plan's state, not a bad request. */
const RESPOND_STATUS: Record<RespondError["code"], number> = { "not-found": 404, invalid: 400, refused: 409, "not-approved": 409 };

const STATUS_CODES: Record<number, string> = {
  400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed", 409: "conflict",
  413: "too-large", 415: "unsupported-media-type", 429: "rate-limited", 501: "not-implemented", 503: "unavailable",
};

export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) {
    return { status: err.status, body: { error: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
  }
  if (err instanceof StoreError) {
    const status = STORE_STATUS[err.code];
    if (status >= 500) return { status, body: { error: "internal", message: "the store failed; see the server log" } };
    return { status, body: { error: STATUS_CODES[status] ?? "error", message: err.message, ...(err.candidates.length ? { details: { candidates: err.candidates } } : {}) } };
  }
  if (err instanceof RespondError) {
    const status = RESPOND_STATUS[err.code];
    return { status, body: { error: err.code === "refused" || err.code === "not-approved" ? err.code : STATUS_CODES[status] ?? "error", message: err.message } };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => `${v.instancePath || "/"} ${v.message ?? ""}`.trim());
    return { status: 400, body: { error: "bad-request", message: `${err.validationContext ?? "request"} is not valid: ${issues.join("; ")}` } };
  }
  const fe = err as Partial<FastifyError>;
  const status = typeof fe.statusCode === "number" ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { error: STATUS_CODES[status] ?? "error", message: typeof fe.message === "string" ? fe.message : "bad request" } };
  }
  return { status: 500, body: { error: "internal", message: "internal error; see the server log" } };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorReply(err);
    if (status >= 500) request.log.error({ err }, "request failed");
    return reply.code(status).type("application/json; charset=utf-8").send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not-found", message: `no route ${request.method} ${request.url.split("?")[0]?.slice(0, 200)}` } satisfies ErrorBody));
}
