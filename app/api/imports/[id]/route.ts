import { route } from "@/lib/http/route";
import { getImportReport } from "@/lib/data/import/import-report";

/** One import: status, source, counts and counts by reason (any signed-in user). */
export const GET = route<{ id: string }>("user", async (_req, { ctx, params }) => getImportReport(ctx.db, params.id));
