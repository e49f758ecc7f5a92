import { route } from "@/lib/http/route";
import { metricsRegistry } from "@/lib/server/metrics";

export const dynamic = "force-dynamic";

// Prometheus scrape endpoint (text exposition format). Expose it on a private network only.
export const GET = route("public", async (_req, { ctx }) => {
  const registry = metricsRegistry(ctx.pool, ctx.boss);
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
