"use client";
import Link from "next/link";
import type { RunDto } from "@/lib/runs/run-dto";
import { sessionBoundsIso } from "@/lib/ui/workflow-estimate";
import { stateFromRun, workflowHref } from "@/lib/ui/workflow-state";

/** "Run again with changes": the guided workflow prefilled with this run's full configuration. */
export function RunAgainLink({ run }: { run: RunDto }) {
  return (
    <Link href={workflowHref(stateFromRun(run, sessionBoundsIso, "review"))} className="btn btn-ghost" data-testid="run-again-link">
      Run again with changes
    </Link>
  );
}
