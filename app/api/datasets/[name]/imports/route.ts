import { route } from "@/lib/http/route";
import { listImports } from "@/lib/data/import/import-report";

/** The imports of a dataset, newest first (any signed-in user, like the dataset itself). */
export const GET = route<{ name: string }>("user", async (_req, { ctx, params }) => ({ imports: await listImports(ctx.db, params.name) }));
