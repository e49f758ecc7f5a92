import { json, route } from "@/lib/http/route";
import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

export const GET = route("public", async (_req, { ctx }) => {
  const health = await checkHealth(ctx.pool, ctx.boss);
  return json(health, health.status === "down" ? 503 : 200);
});
