/**
 * Read access to one run's RESULT for the result-detail APIs (trade pages, trade charts,
 * distribution): the rules of GET /api/runs/:id/result (owner, or any signed-in user for a
 * `team` run; someone else's private run is a 404 like a missing one) plus share links: a valid
 * (not revoked, not expired) share token opens the run it was made for and no other.
 *
 * The token travels in the `x-share-token` header (never the URL, so it stays out of access
 * logs). A request with neither a principal nor a token is unauthenticated (401); a token that
 * is unknown, revoked, expired or made for another run answers 404, exactly like a missing run.
 */
import { hashToken } from "../auth/token-hash";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { notFound, unauthenticated } from "../errors";
import { getRunRow } from "./run-service";

export const SHARE_TOKEN_HEADER = "x-share-token";

export interface ReadableRun {
  id: string;
  datasetId: number | null;
  datasetName: string;
  datasetVersion: number;
  status: string;
}

const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The run id a share token opens; 404 when the token is malformed, unknown, revoked or expired. */
export async function runIdOfShareToken(db: Db, token: string, now = Date.now()): Promise<string> {
  if (!SHARE_TOKEN.test(token)) throw notFound("Page");
  const link = await db.shareLink.findUnique({ where: { tokenHash: hashToken(token) }, select: { runId: true, revokedAt: true, expiresAt: true } });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt.getTime() <= now)) throw notFound("Page");
  return link.runId;
}

export async function readableRun(db: Db, principal: Principal | null, runId: string, shareToken: string | null): Promise<ReadableRun> {
  if (shareToken) {
    const linked = await runIdOfShareToken(db, shareToken).catch(() => null);
    if (linked === null || linked !== runId) throw notFound("Run");
    const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, datasetId: true, datasetName: true, datasetVersion: true, status: true } });
    if (!run) throw notFound("Run");
    return run;
  }
  if (!principal) throw unauthenticated();
  const row = await getRunRow(db, principal, runId);
  return { id: row.id, datasetId: row.datasetId, datasetName: row.datasetName, datasetVersion: row.datasetVersion, status: row.status };
}

/** The share token of a request, or null. */
export function shareTokenOf(req: Request): string | null {
  const token = req.headers.get(SHARE_TOKEN_HEADER)?.trim();
  return token ? token : null;
}
