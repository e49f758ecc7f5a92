import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { GuidedWorkflow } from "@/app/_backtests/workflow/guided-workflow";
import { requirePageUser } from "@/lib/server/page-auth";

export const metadata: Metadata = { title: "New backtest" };

interface Props {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The guided backtest setup; its whole state is in the query string (see workflow-state.ts). */
export default async function NewBacktestPage({ searchParams }: Props) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) for (const v of [value].flat()) if (v !== undefined) query.append(key, v);
  const qs = query.toString();
  await requirePageUser(`/backtests/new${qs ? `?${qs}` : ""}`);
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
        <Link href="/" className="hover:text-zinc-300">
          Backtests
        </Link>
        <span aria-hidden className="mx-1.5">
          /
        </span>
        <span className="text-zinc-400">New</span>
      </nav>
      <h1 className="text-lg font-semibold text-zinc-100">New backtest</h1>
      <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
        <GuidedWorkflow />
      </Suspense>
    </div>
  );
}
