import { route } from "@/lib/http/route";
import { getRun } from "@/lib/runs/run-service";

export const GET = route<{ id: string }>("user", async (_req, { ctx, principal, params }) =>
  getRun({ db: ctx.db, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, principal, params.id),
);
