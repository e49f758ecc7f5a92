"use client";
import type { Coverage, SessionCoverage } from "@/lib/data/coverage";
import { formatInt } from "@/lib/ui/format";
import { coverageRollLegend } from "@/lib/ui/rolls-view";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"];

/** Monday (YYYY-MM-DD) of the ISO week of a session date. */
function weekOf(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  const offset = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * One row per week, one cell per session date (Mon-Fri; a session opens the evening before).
 * Cell shade grows with the tick count; sessions of the calendar without data are red (they must
 * stand out: a gap biases every backtest over it); holiday sessions are outlined amber; roll dates
 * carry a violet "roll" marker naming the contracts: for a single dataset CME's calendar-rule dates
 * (roll-schedule.ts), for a continuous one (pass `dataset`) its own resolved rolls, and the legend
 * names its rule.
 */
export function CoverageCalendar({ coverage, dataset }: { coverage: Coverage; dataset?: { kind: string; rollRule: unknown } }) {
  if (coverage.sessions.length === 0) return <p className="px-3 py-6 text-sm text-zinc-500">No data.</p>;
  const max = Math.max(1, ...coverage.sessions.map((s) => s.ticks));
  const rolls = new Map(coverage.rolls.map((r) => [r.sessionDate, r]));
  const weeks = new Map<string, Array<SessionCoverage | undefined>>();
  for (const s of coverage.sessions) {
    const week = weekOf(s.sessionDate);
    const row = weeks.get(week) ?? Array<SessionCoverage | undefined>(5).fill(undefined);
    const day = (new Date(`${s.sessionDate}T12:00:00Z`).getUTCDay() + 6) % 7;
    if (day < 5) row[day] = s;
    weeks.set(week, row);
  }
  return (
    <div className="overflow-x-auto p-3">
      <table className="border-separate border-spacing-1 text-[11px]" data-testid="coverage-calendar" aria-label="Ticks per session date">
        <thead>
          <tr>
            <th scope="col" className="pr-2 text-left font-normal text-zinc-500">
              Week of
            </th>
            {WEEKDAYS.map((d) => (
              <th key={d} scope="col" className="w-24 font-normal text-zinc-500">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...weeks.entries()].map(([week, days]) => (
            <tr key={week}>
              <th scope="row" className="pr-2 text-left font-mono font-normal text-zinc-500">
                {week}
              </th>
              {days.map((s, i) => {
                if (!s) return <td key={i} />;
                const roll = rolls.get(s.sessionDate);
                const shade = s.gap ? undefined : 0.15 + 0.85 * (s.ticks / max);
                const title = `${s.sessionDate}: ${formatInt(s.ticks)} ticks${s.holiday ? ` (${s.holiday}, ${s.kind})` : ""}${roll ? ` - roll ${roll.from} -> ${roll.to}` : ""}`;
                return (
                  <td
                    key={i}
                    title={title}
                    data-testid="coverage-cell"
                    data-session-date={s.sessionDate}
                    data-gap={s.gap ? "true" : "false"}
                    data-roll={roll ? `${roll.from}-${roll.to}` : undefined}
                    className={`h-10 rounded px-1.5 align-top ${s.gap ? "bg-red-950 ring-1 ring-red-600" : ""} ${s.kind !== "regular" ? "outline outline-1 outline-amber-500" : ""} ${roll ? "border-l-4 border-violet-400" : ""}`}
                    style={shade === undefined ? undefined : { backgroundColor: `rgba(37, 99, 235, ${shade.toFixed(2)})` }}
                  >
                    <div className="flex justify-between font-mono text-zinc-200">
                      <span>{s.sessionDate.slice(5)}</span>
                      {roll && (
                        <span className="rounded-sm bg-violet-500/30 px-1 text-[10px] font-semibold text-violet-200" data-testid="roll-marker">
                          roll
                        </span>
                      )}
                    </div>
                    <div className={s.gap ? "font-semibold text-red-300" : "text-zinc-100"}>{s.gap ? "no data" : formatInt(s.ticks)}</div>
                    {roll && <div className="truncate font-mono text-[10px] text-violet-200">→ {roll.to}</div>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-[11px] text-zinc-400" aria-label="Legend" data-testid="coverage-legend">
        <li className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm" style={{ background: "linear-gradient(90deg, rgba(37,99,235,0.15), rgba(37,99,235,1))" }} />
          ticks in the session
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm bg-red-950 ring-1 ring-red-600" />
          session without data (gap)
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm outline outline-1 outline-amber-500" />
          holiday schedule
        </li>
        <li className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm border-l-4 border-violet-400 bg-violet-500/30" />
          <span data-testid="coverage-legend-roll">{coverageRollLegend(dataset, coverage.rolls)}</span>
        </li>
      </ul>
    </div>
  );
}
