import { json, parseBody, route } from "@/lib/http/route";
import { createShareLink, createShareLinkSchema } from "@/lib/runs/share-links";

/** Creates a read-only share link for one of the caller's runs; the token is in this response only. */
export const POST = route<{ id: string }>("user", async (req, { ctx, principal, params }) =>
  json(await createShareLink(ctx.db, principal, params.id, await parseBody(req, createShareLinkSchema)), 201),
);
