/**
 * Users and tokens over the API, for admins (the CLI does the same through auth/accounts.ts). A new
 * token is in the response once and never again.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { addUser, createToken, revokeToken, setDisabled, setPassword, setRole } from "../auth/accounts.js";
import { ROLES, type ServerDeps } from "../contract.js";
import { errors } from "./schemas.js";

const UserSchema = z.object({ name: z.string(), displayName: z.string().optional(), role: z.string(), disabled: z.boolean(), createdAt: z.string(), hasPassword: z.boolean() });
const TokenSchema = z.object({
  id: z.string(), userName: z.string(), label: z.string(), role: z.string(), createdAt: z.string(), createdBy: z.string(),
  expiresAt: z.string().optional(), lastUsedAt: z.string().optional(), revokedAt: z.string().optional(),
});
const NameParam = z.object({ name: z.string().min(1).max(64) });

export function adminRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { role: "admin" as const };
  const fails = errors(400, 401, 403, 404);
  const by = (actor: string): { actor: string; now: () => Date } => ({ actor, now: deps.now });

  r.get("/api/v1/users", { config: admin, schema: { tags: ["admin"], summary: "Users", response: { 200: z.array(UserSchema), ...fails } } },
    async () => deps.store.auth.listUsers());

  r.post("/api/v1/users", {
    config: admin,
    schema: {
      tags: ["admin"], summary: "Add a user",
      body: z.object({ name: z.string().min(1).max(64), role: z.enum(ROLES), displayName: z.string().max(200).optional(), password: z.string().max(1024).optional() }),
      response: { 201: UserSchema, ...fails },
    },
  }, async (request, reply) => {
    const b = request.body;
    const user = await addUser(deps.store, { name: b.name, role: b.role, ...(b.displayName ? { displayName: b.displayName } : {}), ...(b.password ? { password: b.password } : {}) }, by(request.user!.name));
    return reply.code(201).send(user);
  });

  r.post("/api/v1/users/:name", {
    config: admin,
    schema: {
      tags: ["admin"], summary: "Change a user: role, disabled, password", params: NameParam,
      body: z.object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: z.string().max(1024).optional() }),
      response: { 200: UserSchema, ...fails },
    },
  }, async (request) => {
    const { name } = request.params;
    const b = request.body;
    if (b.role !== undefined) await setRole(deps.store, name, b.role, by(request.user!.name));
    if (b.disabled !== undefined) await setDisabled(deps.store, name, b.disabled, by(request.user!.name));
    if (b.password !== undefined) await setPassword(deps.store, name, b.password, by(request.user!.name));
    return (await deps.store.auth.getUser(name))!;
  });

  r.get("/api/v1/tokens", { config: admin, schema: { tags: ["admin"], summary: "API tokens (never the secret)", response: { 200: z.array(TokenSchema), ...fails } } },
    async () => (await deps.store.auth.listTokens()).map(({ sha256: _digest, ...rest }) => rest));

  r.post("/api/v1/tokens", {
    config: admin,
    schema: {
      tags: ["admin"], summary: "Make an API token; the token is shown in this response only",
      body: z.object({ user: z.string().min(1).max(64), label: z.string().min(1).max(200), role: z.enum(ROLES).optional(), expiresInDays: z.number().int().min(1).max(3650).optional() }),
      response: { 201: z.object({ token: z.string(), record: TokenSchema }), ...fails },
    },
  }, async (request, reply) => {
    const b = request.body;
    const { token, record } = await createToken(deps.store, {
      userName: b.user, label: b.label, ...(b.role ? { role: b.role } : {}), ...(b.expiresInDays ? { expiresInDays: b.expiresInDays } : {}),
    }, by(request.user!.name));
    const { sha256: _digest, ...shown } = record;
    return reply.code(201).send({ token, record: shown });
  });

  r.delete("/api/v1/tokens/:id", {
    config: admin,
    schema: { tags: ["admin"], summary: "Revoke a token", params: z.object({ id: z.string().min(1).max(64) }), response: fails },
  }, async (request, reply) => {
    await revokeToken(deps.store, request.params.id, by(request.user!.name));
    return reply.code(204).send(undefined as never);
  });
}
