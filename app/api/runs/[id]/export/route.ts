import { z } from "zod";
import { parseQuery, route } from "@/lib/http/route";
import { EXPORT_FORMATS, buildExport } from "@/lib/runs/exports";
import { getRunExportData } from "@/lib/runs/exports-data";

const exportQuerySchema = z.object({ format: z.enum(EXPORT_FORMATS) });

/** A run's result as a download: trades/fills/equity CSV or JSON, the full result JSON, an HTML report. */
export const GET = route<{ id: string }>("user", async (req, { ctx, principal, params }) => {
  const { format } = parseQuery(req, exportQuerySchema);
  const input = await getRunExportData({ db: ctx.db, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, principal, params.id, { fills: format.startsWith("fills.") });
  const file = buildExport(format, input);
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      // The slug is [a-z0-9-] only, so the quoted file name needs no further escaping.
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      // The report carries no script; forbid any, should escaping ever miss something.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
});
