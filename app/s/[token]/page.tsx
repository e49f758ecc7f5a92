import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AppError } from "@/lib/errors";
import { runIdOfShareToken } from "@/lib/runs/run-access";
import { resolveSharedRun } from "@/lib/runs/share-links";
import { getServerContext } from "@/lib/server/context";
import { formatInt, formatPercent, formatSignedUsd } from "@/lib/ui/format";
import { DisplayZoneProvider } from "@/lib/ui/display-zone";
import { SharedRunView } from "./shared-run-view";

/** Public, read-only page of one run behind a share link; nothing else is reachable from it. */
const load = cache(async (token: string) => {
  const ctx = await getServerContext();
  try {
    // The run id lets the page call the result-detail APIs with the token; it is no secret (every
    // read of it still needs this token or access to the run) and stays out of the public DTO.
    const [run, runId] = await Promise.all([resolveSharedRun(ctx.db, token), runIdOfShareToken(ctx.db, token)]);
    return { ...run, runId };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Promise<{ token: string }> }): Promise<Metadata> {
  const { token } = await params;
  const run = await load(token);
  const m = run.result.metrics;
  const description = [
    `Net P&L ${formatSignedUsd(m.netPnlUsd)}`,
    `${formatInt(m.roundTrips)} round trips`,
    `win rate ${formatPercent(m.roundTrips ? m.winners / m.roundTrips : null)}`,
    `${run.strategyId} on ${run.datasetName} v${run.datasetVersion}`,
  ].join(" · ");
  const title = `${run.name} · Tickbench backtest`;
  return {
    title,
    description,
    robots: { index: false, follow: false },
    openGraph: { title, description, type: "article", siteName: "Tickbench" },
    twitter: { card: "summary", title, description },
  };
}

export default async function SharedRunPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { runId, ...run } = await load(token);
  return (
    <DisplayZoneProvider>
      <SharedRunView run={run} runId={runId} token={token} />
    </DisplayZoneProvider>
  );
}
