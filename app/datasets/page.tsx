import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { DatasetsTable } from "@/lib/ui/datasets-table";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  await requirePageUser("/datasets");
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold text-zinc-100">Datasets</h1>
        <p className="text-sm text-zinc-500">Versioned tick data available to backtests. Times are exchange time (America/Chicago).</p>
      </div>
      <section className="panel" aria-labelledby="datasets-heading">
        <div className="panel-header">
          <h2 id="datasets-heading" className="panel-title">
            All datasets
          </h2>
        </div>
        <DatasetsTable labelledBy="datasets-heading" />
      </section>
    </div>
  );
}
