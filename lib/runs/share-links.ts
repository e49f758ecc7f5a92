/**
 * Share links: read-only, unguessable (256-bit) links to one run's results, with optional expiry,
 * revocable at any time. Only a SHA-256 of the token is stored. A revoked, expired or unknown
 * token answers exactly like a missing page (404): nothing tells them apart.
 */
import { randomBytes } from "node:crypto";
import { hashToken } from "../auth/token-hash";
import { z } from "zod";
import { AppError, notFound } from "../errors";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { getRunRow } from "./run-service";
import type { BacktestStatistics } from "../statistics";
import { sampledEquity, toTradeDto, type EquitySeriesDto, type ResultMetricsDto, type TradeDto } from "./run-dto";


export const createShareLinkSchema = z
  .object({
    /** Lifetime in days; omitted = until revoked. */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    includeCode: z.boolean().default(false),
  })
  .strict();

export interface ShareLinkDto {
  id: string;
  runId: string;
  runName: string;
  includeCode: boolean;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

export async function createShareLink(
  db: Db,
  principal: Principal,
  runId: string,
  input: z.input<typeof createShareLinkSchema>,
): Promise<ShareLinkDto & { token: string; path: string }> {
  const options = createShareLinkSchema.parse(input);
  const run = await getRunRow(db, principal, runId);
  if (run.ownerId !== principal.userId) throw notFound("Run");
  if (run.status !== "succeeded") throw new AppError("conflict", "Only a finished, successful run can be shared");
  const token = randomBytes(32).toString("base64url");
  const expiresAt = options.expiresInDays ? new Date(Date.now() + options.expiresInDays * 86_400_000) : null;
  const link = await db.shareLink.create({
    data: { runId: run.id, createdById: principal.userId, tokenHash: hashToken(token), includeCode: options.includeCode, expiresAt },
  });
  return { ...toDto(link, run.name), token, path: `/s/${token}` };
}

function toDto(
  link: { id: string; runId: string; includeCode: boolean; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null },
  runName: string,
): ShareLinkDto {
  const active = !link.revokedAt && (!link.expiresAt || link.expiresAt.getTime() > Date.now());
  return {
    id: link.id,
    runId: link.runId,
    runName,
    includeCode: link.includeCode,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt?.toISOString() ?? null,
    revokedAt: link.revokedAt?.toISOString() ?? null,
    active,
  };
}

export async function listShareLinks(db: Db, principal: Principal): Promise<ShareLinkDto[]> {
  const links = await db.shareLink.findMany({
    where: { createdById: principal.userId },
    orderBy: { createdAt: "desc" },
    include: { run: { select: { name: true } } },
  });
  return links.map((l) => toDto(l, l.run.name));
}

export async function revokeShareLink(db: Db, principal: Principal, id: string): Promise<ShareLinkDto> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound("Share link");
  const link = await db.shareLink.findUnique({ where: { id }, include: { run: { select: { name: true } } } });
  if (!link || link.createdById !== principal.userId) throw notFound("Share link");
  const updated = link.revokedAt ? link : await db.shareLink.update({ where: { id }, data: { revokedAt: new Date() } });
  return toDto(updated, link.run.name);
}

/** What a shared page shows: the run's results and configuration, nothing about its owner. */
export interface SharedRunDto {
  name: string;
  strategyId: string;
  params: unknown;
  config: unknown;
  datasetName: string;
  datasetVersion: number;
  engineVersion: string | null;
  seed: number;
  finishedAt: string | null;
  includeCode: boolean;
  result: { metrics: ResultMetricsDto; statistics: BacktestStatistics | null; equity: EquitySeriesDto; equityPoints: number; tradeCount: number; resultHash: string; trades: TradeDto[] };
}

export async function resolveSharedRun(db: Db, token: string, tradeLimit = 500): Promise<SharedRunDto> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw notFound("Page");
  const link = await db.shareLink.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { run: { include: { result: true } } },
  });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt.getTime() <= Date.now()) || !link.run.result) throw notFound("Page");
  const { run } = link;
  const result = run.result!;
  const trades = await db.runTrade.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" }, take: tradeLimit });
  return {
    name: run.name,
    strategyId: run.strategyId,
    params: run.params,
    config: run.config,
    datasetName: run.datasetName,
    datasetVersion: run.datasetVersion,
    engineVersion: run.engineVersion,
    seed: run.seed,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    includeCode: link.includeCode,
    result: {
      metrics: result.metrics as unknown as ResultMetricsDto,
      statistics: (result.statistics ?? null) as unknown as BacktestStatistics | null,
      ...sampledEquity(result.equity),
      tradeCount: result.tradeCount,
      resultHash: result.resultHash,
      trades: trades.map(toTradeDto),
    },
  };
}
