"use client";
/**
 * The result dashboard of a finished run, shared by the run page and the read-only share page:
 * tabs Overview / Analysis / Trades, a time-zone switch, and every view in the URL
 * (`?view=trades&trade=12&tz=utc&sort=pnl&dir=desc&page=2`, see lib/ui/dashboard-url.ts).
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useRef, type KeyboardEvent, type ReactNode } from "react";
import { BreakdownChart } from "@/lib/ui/breakdown-chart";
import { DailyHeatmap } from "@/lib/ui/daily-heatmap";
import { dashboardApi, dashboardKeys, type ResultAccess } from "@/lib/ui/dashboard-api";
import { DASHBOARD_VIEWS, type DashboardView } from "@/lib/ui/dashboard-url";
import { TimeZoneSelect } from "@/lib/ui/display-zone";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatInt } from "@/lib/ui/format";
import { MonthlyReturnsTable } from "@/lib/ui/monthly-table";
import { PnlHistogramChart } from "@/lib/ui/pnl-histogram-chart";
import { rollInstants } from "@/lib/ui/rolls-view";
import { useDashboardUrl } from "@/lib/ui/use-dashboard-url";
import { HaltsPanel } from "./halts-panel";
import { RollsPanel } from "./rolls-panel";
import { RunOverview, type DashboardResult } from "./run-results";
import { TradeChartPanel } from "./trade-chart-panel";
import { TradesPanel } from "./trades-panel";

const TAB_LABELS: Record<DashboardView, string> = { overview: "Overview", analysis: "Calendar & breakdowns", trades: "Trades" };

/** `config`: the run's configuration (the Rolls panel reads its fee per side; absent: the contract default). */
export function RunDashboard({ access, result, config }: { access: ResultAccess; result: DashboardResult; config?: unknown }) {
  const { state, navigate } = useDashboardUrl();
  // A link with only `?trade=12` opens the trade.
  const view: DashboardView = state.trade !== null && state.view === "overview" ? "trades" : state.view;
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});
  const rolledAt = useMemo(() => rollInstants(result.metrics.rolls), [result.metrics.rolls]);

  function selectTab(next: DashboardView, focus = false) {
    // Leaving the trades view closes the open trade (a bare `?trade=` would reopen that view).
    navigate(next === "trades" ? { view: next } : { view: next, trade: null }, "push");
    if (focus) tabs.current[next]?.focus();
  }
  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    const i = DASHBOARD_VIEWS.indexOf(view);
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (delta !== 0) {
      e.preventDefault();
      selectTab(DASHBOARD_VIEWS[(i + delta + DASHBOARD_VIEWS.length) % DASHBOARD_VIEWS.length], true);
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      selectTab(DASHBOARD_VIEWS[e.key === "Home" ? 0 : DASHBOARD_VIEWS.length - 1], true);
    }
  }

  return (
    <div className="space-y-3 p-3" data-testid="run-dashboard" data-view={view}>
      <div className="flex flex-wrap items-center gap-3 border-b border-line">
        <div role="tablist" aria-label="Result views" className="-mb-px flex" onKeyDown={onTabKey}>
          {DASHBOARD_VIEWS.map((v) => (
            <button
              key={v}
              ref={(el) => {
                tabs.current[v] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${v}`}
              aria-selected={view === v}
              aria-controls={`panel-${v}`}
              tabIndex={view === v ? 0 : -1}
              className={`cursor-pointer border-b-2 px-3 py-1.5 text-sm ${view === v ? "border-accent text-zinc-100" : "border-transparent text-zinc-400 hover:text-zinc-200"}`}
              onClick={() => selectTab(v)}
            >
              {TAB_LABELS[v]}
              {v === "trades" && <span className="num ml-1 text-xs text-zinc-400">{formatInt(result.tradeCount)}</span>}
            </button>
          ))}
        </div>
        <div className="ml-auto pb-1">
          <TimeZoneSelect />
        </div>
      </div>

      <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`}>
        {view === "overview" && (
          <div className="space-y-4">
            <RunOverview result={result} onShowTrades={() => selectTab("trades")} />
            {result.metrics.rollSchedule && <RollsPanel schedule={result.metrics.rollSchedule} rolls={result.metrics.rolls} config={config} />}
            {result.metrics.halts && result.metrics.halts.length > 0 && <HaltsPanel halts={result.metrics.halts} />}
          </div>
        )}
        {view === "analysis" && <AnalysisView access={access} result={result} onSelectDay={(date) => navigate({ view: "trades", trades: { from: date, to: date } }, "push")} />}
        {view === "trades" && (
          <div className="space-y-3">
            {state.trade !== null && <TradeChartPanel access={access} seq={state.trade} onClose={() => navigate({ trade: null }, "push")} />}
            <TradesPanel
              access={access}
              query={state.trades}
              selectedSeq={state.trade}
              rollInstants={rolledAt}
              onQuery={(patch) => navigate({ trades: patch })}
              onOpenTrade={(seq) => {
                navigate({ trade: seq }, "push");
                window.scrollTo({ top: 0, behavior: "smooth" });
              }}
            />
          </div>
        )}
      </div>
    </div>
  );
}

const hourLabel = (key: string) => key;
const weekdayLabel = (key: string) => key.slice(0, 3);

function AnalysisView({ access, result, onSelectDay }: { access: ResultAccess; result: DashboardResult; onSelectDay: (date: string) => void }) {
  const s = result.statistics;
  const distribution = useQuery({ queryKey: dashboardKeys.distribution(access), queryFn: () => dashboardApi.distribution(access), staleTime: Infinity });
  if (!s) return <p className="text-xs text-zinc-400">Detailed statistics are not available for this result.</p>;
  return (
    <div className="space-y-5" data-testid="analysis-view">
      <Section title="Daily P&L by session date" note="CME session dates (a session opens 17:00 CT the evening before); choose a day to see its trades">
        <DailyHeatmap days={s.calendar} onSelectDay={onSelectDay} />
      </Section>
      <Section title="Monthly returns" note="compounded by session-date month">
        <MonthlyReturnsTable monthly={s.monthly} />
      </Section>
      <div className="grid gap-5 lg:grid-cols-2">
        {distribution.isError && <ErrorAlert error={distribution.error} title="Could not load the P&L distribution" />}
        {distribution.data ? (
          <PnlHistogramChart bins={distribution.data.bins} winners={distribution.data.winners} losers={distribution.data.losers} breakEven={distribution.data.breakEven} />
        ) : (
          !distribution.isError && <p className="text-xs text-zinc-400">Loading the distribution…</p>
        )}
        <BreakdownChart title="P&L by session" description="exit in RTH (08:30-15:00 CT) or ETH" buckets={s.breakdowns.bySession} testId="breakdown-session" />
        <BreakdownChart title="P&L by hour of exit" description="exchange time (CT), whatever the time-zone switch" buckets={s.breakdowns.byExitHour} testId="breakdown-hour" labelOf={hourLabel} />
        <BreakdownChart title="P&L by weekday" description="of the exit's session date" buckets={s.breakdowns.bySessionWeekday} testId="breakdown-weekday" labelOf={weekdayLabel} />
      </div>
    </div>
  );
}

function Section({ title, note, children }: { title: string; note: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h3 className="mb-1.5 text-[11px] font-semibold tracking-wider text-zinc-300 uppercase">
        {title} <span className="font-normal text-zinc-400 normal-case">{note}</span>
      </h3>
      {children}
    </section>
  );
}
