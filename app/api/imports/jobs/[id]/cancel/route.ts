import { route } from "@/lib/http/route";
import { cancelImportJob } from "@/lib/imports/import-jobs";
import { uploadRoot } from "@/lib/imports/upload-store";

/** Cancels an import job (admins): a queued one at once, a running one at its next progress check. */
export const POST = route<{ id: string }>("admin", async (_req, { ctx, params }) =>
  cancelImportJob({ db: ctx.db, boss: ctx.boss, uploadRoot: uploadRoot(ctx.env), stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, params.id),
);
