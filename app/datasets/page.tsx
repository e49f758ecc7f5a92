import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { DatasetsTable } from "@/lib/ui/datasets-table";
import { Panel } from "@/lib/ui/panel";
import { ImportDataPanel } from "./import-data-panel";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  const principal = await requirePageUser("/datasets");
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold text-zinc-100">Datasets</h1>
        <p className="text-sm text-zinc-500">Versioned tick data available to backtests. Times are exchange time (America/Chicago).</p>
      </div>
      {/* Analysts browse read-only; the import API answers them 403 as well. */}
      {principal.role === "admin" && <ImportDataPanel />}
      <Panel id="datasets-heading" title="All datasets">
        <DatasetsTable labelledBy="datasets-heading" />
      </Panel>
    </div>
  );
}
