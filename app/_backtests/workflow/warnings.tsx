"use client";
import type { WorkflowWarning } from "@/lib/ui/workflow-estimate";

/** Data warnings (gaps, warm-up) and notes; warnings are announced, notes are plain text. */
export function Warnings({ warnings }: { warnings: WorkflowWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="space-y-1 text-sm" data-testid="wf-warnings">
      {warnings.map((w, i) => (
        <li
          key={i}
          role={w.level === "warning" ? "alert" : undefined}
          data-level={w.level}
          className={w.level === "warning" ? "rounded border border-amber-800 bg-amber-950/40 px-2 py-1 text-amber-200" : "px-2 text-zinc-400"}
        >
          {w.level === "warning" ? "Warning: " : "Note: "}
          {w.message}
        </li>
      ))}
    </ul>
  );
}
