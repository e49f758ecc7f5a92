import { route } from "@/lib/http/route";
import { listDatasets } from "@/lib/data/datasets";

// Every signed-in user may browse datasets (read-only); managing them is for admins.
export const GET = route("user", async (_req, { ctx }) => ({ datasets: await listDatasets(ctx.db) }));
