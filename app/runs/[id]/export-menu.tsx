"use client";
import type { ExportFormat } from "@/lib/runs/exports";

const EXPORTS: { format: ExportFormat; label: string }[] = [
  { format: "trades.csv", label: "Trades CSV" },
  { format: "trades.json", label: "Trades JSON" },
  { format: "fills.csv", label: "Fills CSV" },
  { format: "fills.json", label: "Fills JSON" },
  { format: "equity.csv", label: "Equity CSV" },
  { format: "result.json", label: "Result JSON" },
  { format: "report.html", label: "HTML report" },
];

/** Download links for a finished run's result (all trades; the server names the files). */
export function ExportMenu({ runId }: { runId: string }) {
  return (
    <div role="group" aria-label="Export results" className="flex flex-wrap items-center gap-1 text-xs" data-testid="export-menu">
      <span aria-hidden className="text-zinc-400">
        Export
      </span>
      {EXPORTS.map(({ format, label }) => (
        <a key={format} href={`/api/runs/${encodeURIComponent(runId)}/export?format=${format}`} download className="btn btn-ghost h-6 px-2 text-xs">
          {label}
        </a>
      ))}
    </div>
  );
}
