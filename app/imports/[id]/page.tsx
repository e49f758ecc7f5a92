import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { getServerContext } from "@/lib/server/context";
import { isImportJob } from "@/lib/imports/import-jobs";
import { ImportJobView } from "./import-job-view";
import { ImportView } from "./import-view";
import { FlagsPanel } from "./flags-panel";

export const metadata: Metadata = { title: "Import report" };

/**
 * One import. The id is an import job's (an upload from the browser: live progress, then its
 * report) or an import run's (the report: counts, counts by reason, quarantined records).
 */
export default async function ImportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const principal = await requirePageUser(`/imports/${encodeURIComponent(raw)}`);
  const id = decodeURIComponent(raw);
  const ctx = await getServerContext();
  if (await isImportJob(ctx.db, id)) return <ImportJobView id={id} canCancel={principal.role === "admin"} />;
  return (
    <>
      <ImportView id={id} />
      <FlagsPanel id={id} />
    </>
  );
}
