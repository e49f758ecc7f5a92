import { route } from "@/lib/http/route";
import { cancelRun } from "@/lib/runs/run-service";

export const POST = route<{ id: string }>("user", async (_req, { ctx, principal, params }) =>
  cancelRun(
    { db: ctx.db, boss: ctx.boss, runTimeLimitSec: ctx.env.RUN_TIME_LIMIT_SEC, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC },
    principal,
    params.id,
  ),
);
