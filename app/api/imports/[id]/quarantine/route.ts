import { z } from "zod";
import { parseQuery, route } from "@/lib/http/route";
import { getImportReport, quarantineCsv, quarantinePage, quarantineQuerySchema } from "@/lib/data/import/import-report";

const querySchema = quarantineQuerySchema.extend({ format: z.enum(["json", "csv"]).default("json") });

/**
 * The records an import quarantined: `?page=1&pageSize=100&reason=` as a JSON page, or
 * `?format=csv` as a streamed CSV download of all of them (page and reason do not apply).
 */
export const GET = route<{ id: string }>("user", async (req, { ctx, params }) => {
  const { format, ...query } = parseQuery(req, querySchema);
  if (format === "json") return quarantinePage(ctx.db, params.id, query);
  // Resolve the import first, so an unknown id is a JSON 404 rather than a broken download.
  const run = await getImportReport(ctx.db, params.id);
  const lines = quarantineCsv(ctx.db, run.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${next.value}\r\n`));
      } catch (error) {
        ctx.log.error({ err: error, importRunId: run.id }, "quarantine CSV export failed");
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const filename = `quarantine-${run.dataset.replace(/[^A-Za-z0-9._-]/g, "_")}-${run.id.slice(0, 8)}.csv`;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
});
