import { z } from "zod";
import { json, parseBody, route } from "@/lib/http/route";
import { createApiToken } from "@/lib/auth/api-tokens";

const body = z.object({ name: z.string().trim().min(1).max(100).default("api") });

/** Creates a personal API token for the caller; the secret is in this response only. */
export const POST = route("user", async (req, { ctx, principal }) => {
  const { name } = await parseBody(req, body);
  const created = await createApiToken(ctx.db, principal.userId, name);
  return json({ id: created.id, token: created.token, prefix: created.prefix }, 201);
});

export const GET = route("user", async (_req, { ctx, principal }) => ({
  tokens: await ctx.db.apiToken.findMany({
    where: { userId: principal.userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  }),
}));
