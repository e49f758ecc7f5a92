import { route } from "@/lib/http/route";
import { listShareLinks } from "@/lib/runs/share-links";

export const GET = route("user", async (_req, { ctx, principal }) => ({ shareLinks: await listShareLinks(ctx.db, principal) }));
