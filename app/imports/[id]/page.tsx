import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { ImportView } from "./import-view";

export const metadata: Metadata = { title: "Import report" };

/** The report of one import: counts, counts by reason and the quarantined records. */
export default async function ImportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser(`/imports/${encodeURIComponent(id)}`);
  return <ImportView id={decodeURIComponent(id)} />;
}
