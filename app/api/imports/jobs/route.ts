import { json, parseQuery, route } from "@/lib/http/route";
import { createImportJob, listImportJobs, listImportJobsQuerySchema } from "@/lib/imports/import-jobs";
import { uploadRoot } from "@/lib/imports/upload-store";

/** Import jobs, newest first: `?dataset=NAME&active=true&limit=50` (any signed-in user). */
export const GET = route("user", async (req, { ctx }) => ({
  jobs: await listImportJobs(ctx.db, parseQuery(req, listImportJobsQuerySchema), ctx.env.RUN_STALL_AFTER_SEC),
}));

/**
 * Uploads files and enqueues their import (admins): multipart/form-data with `dataset`, `format`
 * (auto), `instrument` (optional), `rules` (JSON, for a new dataset) and one or more files,
 * streamed to disk (UPLOAD_DIR, at most UPLOAD_MAX_BYTES). Answers 202 with the import job.
 */
export const POST = route("admin", async (req, { ctx, principal }) => {
  const job = await createImportJob(
    { db: ctx.db, boss: ctx.boss, uploadRoot: uploadRoot(ctx.env), maxUploadBytes: ctx.env.UPLOAD_MAX_BYTES, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC },
    principal.userId,
    req,
  );
  return json(job, 202);
});
