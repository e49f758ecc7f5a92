import { route } from "@/lib/http/route";
import { revokeShareLink } from "@/lib/runs/share-links";

/** Revokes a share link at once; the shared page answers 404 from then on. */
export const DELETE = route<{ id: string }>("user", async (_req, { ctx, principal, params }) => revokeShareLink(ctx.db, principal, params.id));
