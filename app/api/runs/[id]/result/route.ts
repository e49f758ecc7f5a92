import { route } from "@/lib/http/route";
import { getRunResult } from "@/lib/runs/run-service";

export const GET = route<{ id: string }>("user", async (_req, { ctx, principal, params }) =>
  getRunResult(ctx.db, principal, params.id),
);
