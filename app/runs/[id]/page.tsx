import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AppError } from "@/lib/errors";
import type { RunDto } from "@/lib/runs/run-dto";
import { getRun, getRunRow } from "@/lib/runs/run-service";
import { getServerContext } from "@/lib/server/context";
import { requirePageUser } from "@/lib/server/page-auth";
import { DisplayZoneProvider } from "@/lib/ui/display-zone";
import { RunView } from "./run-view";

interface Props {
  params: Promise<{ id: string }>;
}

/**
 * Reads the run with the same service (and the same authorization) as GET /api/runs/<id>: a
 * missing run and someone else's private run are both a 404. Cached per request for the title.
 */
const loadRun = cache(async (id: string): Promise<{ run: RunDto; isOwner: boolean }> => {
  const principal = await requirePageUser(`/runs/${encodeURIComponent(id)}`);
  const ctx = await getServerContext();
  try {
    const row = await getRunRow(ctx.db, principal, id);
    return { run: await getRun({ db: ctx.db, stallAfterSec: ctx.env.RUN_STALL_AFTER_SEC }, principal, id), isOwner: row.ownerId === principal.userId };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { run } = await loadRun((await params).id);
  return { title: run.name };
}

export default async function RunPage({ params }: Props) {
  const { run, isOwner } = await loadRun((await params).id);
  return (
    <DisplayZoneProvider>
      <RunView initialRun={run} isOwner={isOwner} />
    </DisplayZoneProvider>
  );
}
