import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { DatasetView } from "./dataset-view";

export const metadata: Metadata = { title: "Dataset" };

export default async function DatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const principal = await requirePageUser(`/datasets/${encodeURIComponent(name)}`);
  return <DatasetView name={decodeURIComponent(name)} isAdmin={principal.role === "admin"} />;
}
