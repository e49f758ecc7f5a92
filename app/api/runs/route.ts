import { json, parseBody, parseQuery, route } from "@/lib/http/route";
import { createRun, listRuns, listRunsQuerySchema } from "@/lib/runs/run-service";
import { createRunSchema } from "@/lib/runs/run-config";

/** The caller's run history: `?q=&status=&strategy=&dataset=&tag=&from=&to=&limit=&offset=`. */
export const GET = route("user", async (req, { ctx, principal }) => ({
  runs: await listRuns({ db: ctx.db, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, principal, parseQuery(req, listRunsQuerySchema)),
}));

/** Validates, stores and enqueues a run; never runs it. 202 Accepted with the run. */
export const POST = route("user", async (req, { ctx, principal }) => {
  const input = await parseBody(req, createRunSchema);
  const run = await createRun(
    { db: ctx.db, boss: ctx.boss, runTimeLimitSec: ctx.env.RUN_TIME_LIMIT_SEC, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC },
    principal,
    input,
  );
  return json(run, 202, { location: `/api/runs/${run.id}` });
});
