import { route } from "@/lib/http/route";
import { resolveSharedRun } from "@/lib/runs/share-links";

/** Public, read-only: the results behind a share link (404 when unknown, revoked or expired). */
export const GET = route<{ token: string }>("public", async (_req, { ctx, params }) => resolveSharedRun(ctx.db, params.token));
