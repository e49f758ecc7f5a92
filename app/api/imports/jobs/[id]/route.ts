import { route } from "@/lib/http/route";
import { getImportJob } from "@/lib/imports/import-jobs";

/** One import job: status, live counts, and the import report's id once it succeeded (any signed-in user). */
export const GET = route<{ id: string }>("user", async (_req, { ctx, params }) => getImportJob(ctx.db, params.id, ctx.env.RUN_STALL_AFTER_SEC));
