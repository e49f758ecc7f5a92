"use client";
import type { CalendarDay } from "../statistics";
import { heatmapMonths, type HeatmapCell } from "./calendar-layout";
import { formatInt, formatSignedUsd } from "./format";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"];
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/**
 * Background of a cell: the P&L colour at an opacity growing with |level| (1..4), capped at 50% so
 * the cell's text keeps >= 4.5:1 in both themes.
 */
function cellStyle(level: number): React.CSSProperties | undefined {
  if (level === 0) return undefined;
  const alpha = [0, 14, 26, 38, 50][Math.abs(level)];
  return { background: `color-mix(in oklab, var(${level > 0 ? "--color-up" : "--color-down"}) ${alpha}%, transparent)` };
}

/**
 * Daily P&L by CME session date (mark-to-market equity change of each session), one month per
 * block, Monday to Friday. A session day is a button: it opens the trades closed that day.
 */
export function DailyHeatmap({ days, onSelectDay }: { days: readonly CalendarDay[]; onSelectDay?: (sessionDate: string) => void }) {
  const months = heatmapMonths(days);
  if (months.length === 0) return <p className="text-xs text-zinc-400">No session days in this result.</p>;
  return (
    <div className="flex flex-wrap gap-4" data-testid="daily-heatmap">
      {months.map((m) => (
        <table key={m.month} className="border-separate border-spacing-1 text-[11px]" data-testid="heatmap-month">
          <caption className="pb-1 text-left text-xs font-semibold text-zinc-300">
            {m.label} <span className={`num font-normal ${m.netPnlCents > 0 ? "text-up" : m.netPnlCents < 0 ? "text-down" : "text-zinc-400"}`}>{formatSignedUsd(m.netPnlCents / 100)}</span>
          </caption>
          <thead>
            <tr>
              {WEEKDAYS.map((d) => (
                <th key={d} scope="col" className="font-medium text-zinc-400">
                  {d}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.weeks.map((week, w) => (
              <tr key={w}>
                {week.map((cell, i) => (
                  <td key={i} className="p-0">
                    {cell && <Cell cell={cell} onSelectDay={onSelectDay} />}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

function Cell({ cell, onSelectDay }: { cell: HeatmapCell; onSelectDay?: (sessionDate: string) => void }) {
  const base = "flex h-11 w-14 flex-col items-start justify-between rounded-sm border px-1 py-0.5 text-left";
  if (!cell.day) {
    // Inside the run: a day without a session (holiday); outside it: just the calendar.
    return (
      <div className={`${base} ${cell.inRange ? "border-dashed border-zinc-600" : "border-transparent"} text-zinc-400`} title={cell.inRange ? `${cell.date}: no session` : undefined}>
        <span>{cell.dayOfMonth}</span>
      </div>
    );
  }
  const d = cell.day;
  const label = `${cell.date}: ${formatSignedUsd(d.netPnlCents / 100)}, ${formatInt(d.roundTrips)} round trip${d.roundTrips === 1 ? "" : "s"} closed`;
  const usd = d.netPnlCents / 100;
  return (
    <button
      type="button"
      className={`${base} border-zinc-700 hover:border-zinc-400 text-zinc-100 ${onSelectDay ? "cursor-pointer" : "cursor-default"}`}
      style={cellStyle(cell.level)}
      aria-label={label}
      title={label}
      data-testid="heatmap-day"
      data-date={cell.date}
      data-level={cell.level}
      onClick={() => onSelectDay?.(cell.date)}
    >
      <span>{cell.dayOfMonth}</span>
      <span className="num font-semibold">{usd === 0 ? "0" : `${usd > 0 ? "+" : "-"}${compact.format(Math.abs(usd))}`}</span>
    </button>
  );
}
