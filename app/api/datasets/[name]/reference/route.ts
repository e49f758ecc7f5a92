import { parseQuery, route } from "@/lib/http/route";
import { readReferenceData, referenceQuerySchema } from "@/lib/data/reference-data";

/**
 * The dataset's reference data (any signed-in user, like the dataset): Databento definitions and
 * statistics held, the contract's definition, the latest statistic of each type, and the daily
 * series of one statistic (`?type=settlement_price&limit=100`, the default: settlement prices).
 */
export const GET = route<{ name: string }>("user", async (req, { ctx, params }) => readReferenceData(ctx.pool, params.name, parseQuery(req, referenceQuerySchema)));
