import { parseQuery, route } from "@/lib/http/route";
import { compareQuerySchema, compareRuns } from "@/lib/runs/compare";

/** `?ids=a,b,c`: 2..10 distinct succeeded runs the caller may read, side by side. */
export const GET = route("user", async (req, { ctx, principal }) => compareRuns(ctx.db, principal, parseQuery(req, compareQuerySchema).ids));
