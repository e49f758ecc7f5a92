import { json, parseBody, route } from "@/lib/http/route";
import { deleteRun, getRun, updateRun, updateRunSchema } from "@/lib/runs/run-service";

export const GET = route<{ id: string }>("user", async (_req, { ctx, principal, params }) =>
  getRun({ db: ctx.db, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, principal, params.id),
);

/** Rename, tags, notes (owner). */
export const PATCH = route<{ id: string }>("user", async (req, { ctx, principal, params }) =>
  updateRun({ db: ctx.db, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, principal, params.id, await parseBody(req, updateRunSchema)),
);

/** Delete a finished run and everything computed for it (owner or admin). */
export const DELETE = route<{ id: string }>("user", async (_req, { ctx, principal, params }) => {
  await deleteRun({ db: ctx.db }, principal, params.id);
  return json({ deleted: params.id });
});
