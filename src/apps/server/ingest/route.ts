/**
 * POST /api/v1/ingest: NDJSON events (one JSON object per line: ECS, Zeek JSON, Suricata EVE, Falco,
 * CloudTrail, GuardDuty, Kubernetes audit...), plain or Content-Encoding: gzip. The body limit holds
 * for the compressed bytes AND for what they unpack to, so a zip bomb stops at the limit. Needs an
 * analyst token (or session); the answer counts accepted and refused lines and names the refused ones.
 */
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { allSources } from "../../../sources/index.js";
import type { ServerDeps } from "../contract.js";
import { HttpError } from "../errors.js";
import { errors } from "../api/schemas.js";
import { loadDetection } from "./detection.js";
import { IngestEngine, type IngestEngineOptions } from "./engine.js";
import { LineReader } from "./lines.js";

const gunzipAsync = promisify(gunzip);

export const INGEST_CONTENT_TYPES = ["application/x-ndjson", "application/jsonl", "application/json", "text/plain"];
/** The answer names at most this many refused lines (the count is always whole). */
const MAX_LISTED = 100;

const IngestResult = z.object({
  accepted: z.number().int(),
  refused: z.number().int(),
  refusedLines: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  events: z.number().int(),
  formats: z.record(z.string(), z.number().int()),
  saved: z.object({ findings: z.number().int(), scanId: z.number().int().optional(), created: z.array(z.string()), merged: z.array(z.string()) }).optional(),
});

async function unpack(body: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const e = (encoding ?? "identity").trim().toLowerCase();
  if (e === "identity" || e === "") return body;
  if (e !== "gzip" && e !== "x-gzip") throw new HttpError(415, "unsupported-media-type", `Content-Encoding "${e.slice(0, 40)}": only gzip is accepted`);
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      throw new HttpError(413, "too-large", `the gzip body unpacks to more than ${limit} bytes`);
    }
    throw new HttpError(400, "bad-request", `the gzip body is broken: ${(err as Error).message}`);
  }
}

export interface IngestPluginOptions {
  deps: ServerDeps;
  engine?: IngestEngineOptions;
}

export const ingestRoutes: FastifyPluginAsync<IngestPluginOptions> = async (app: FastifyInstance, o) => {
  const { deps } = o;
  const limit = deps.options.bodyLimit;
  let engine: Promise<IngestEngine> | undefined;
  const engineOf = (): Promise<IngestEngine> =>
    (engine ??= (deps.detection ? Promise.resolve(deps.detection) : loadDetection()).then((d) => new IngestEngine(deps.store, d, o.engine ?? {})));
  const reader = new LineReader(allSources);

  // Within this plugin only: the body arrives as raw bytes, JSON included (a one-line NDJSON body).
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(INGEST_CONTENT_TYPES, { parseAs: "buffer", bodyLimit: limit }, (_request, body, done) => done(null, body));
  app.addHook("onClose", async () => { if (engine) await (await engine).close(); });

  app.withTypeProvider<ZodTypeProvider>().post("/api/v1/ingest", {
    config: { role: "analyst" },
    schema: {
      tags: ["ingest"],
      summary: "NDJSON events into the streaming detection engine (gzip accepted); incidents are saved in batches",
      querystring: z.object({ flush: z.enum(["true", "false"]).default("false").describe("true: save before answering") }),
      response: { 200: IngestResult, ...errors(400, 401, 403, 413, 415) },
    },
  }, async (request) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) throw new HttpError(415, "unsupported-media-type", `send NDJSON as ${INGEST_CONTENT_TYPES.join(", ")}`);
    const body = await unpack(raw, request.headers["content-encoding"], limit);
    const user = request.user!.name;
    const path = `ingest/${user}/${deps.now().toISOString()}`;
    const read = await reader.read(body.toString("utf8"), path);
    const e = await engineOf();
    e.push(read.events, user);
    const flushed = request.query.flush === "true" ? await e.flush(user) : undefined;
    return {
      accepted: read.accepted, refused: read.refused.length, refusedLines: read.refused.slice(0, MAX_LISTED),
      events: read.events.length, formats: read.formats,
      ...(flushed ? { saved: { findings: flushed.findings, created: flushed.saved?.created ?? [], merged: flushed.saved?.merged ?? [], ...(flushed.saved ? { scanId: flushed.saved.scanId } : {}) } } : {}),
    };
  });
};
