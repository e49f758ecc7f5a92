"use client";
/**
 * The time zone every time on the run page is shown in: exchange time (America/Chicago, default),
 * UTC or the browser's zone. Chosen with <TimeZoneSelect>, kept in the URL (`tz=`, so a link shows
 * what its sender saw) and in localStorage (the default for the next page without `tz=`).
 */
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { DISPLAY_ZONES, formatInstantIso, formatInstantMs, formatInstantNs, isDisplayZone, zoneLabel, zoneSuffix, type DisplayZone } from "./format";
import { useDashboardUrl } from "./use-dashboard-url";

export const TIME_ZONE_STORAGE_KEY = "tickbench.tz";
const CHANGE_EVENT = "tickbench:tz";

function subscribeStored(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}
function readStored(): DisplayZone | null {
  try {
    const value = localStorage.getItem(TIME_ZONE_STORAGE_KEY);
    return isDisplayZone(value) ? value : null;
  } catch {
    return null;
  }
}
const noSubscription = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export interface ZoneFormatters {
  zone: DisplayZone;
  /** IANA name of the browser's zone (undefined while rendering on the server). */
  localZone: string | undefined;
  suffix: string;
  label: string;
  ms: (ms: number | null | undefined, options?: { zone?: boolean; short?: boolean }) => string;
  ns: (ns: string | null | undefined, options?: { zone?: boolean; short?: boolean }) => string;
  iso: (iso: string | null | undefined, options?: { zone?: boolean }) => string;
  setZone: (zone: DisplayZone) => void;
}

const ZoneContext = createContext<ZoneFormatters | null>(null);

export function DisplayZoneProvider({ children }: { children: ReactNode }) {
  const { state, navigate } = useDashboardUrl();
  const stored = useSyncExternalStore(subscribeStored, readStored, () => null);
  const localZone = useSyncExternalStore(noSubscription, browserZone, () => undefined);
  const zone: DisplayZone = state.tz ?? stored ?? "exchange";
  const setZone = useCallback(
    (next: DisplayZone) => {
      try {
        localStorage.setItem(TIME_ZONE_STORAGE_KEY, next);
      } catch {
        /* the URL still carries it */
      }
      window.dispatchEvent(new Event(CHANGE_EVENT));
      navigate({ tz: next === "exchange" ? null : next });
    },
    [navigate],
  );
  const value = useMemo<ZoneFormatters>(() => {
    // Until the browser's zone is known (server render), "local" is shown as UTC.
    const effective: DisplayZone = zone === "local" && !localZone ? "utc" : zone;
    return {
      zone,
      localZone,
      suffix: zoneSuffix(effective),
      label: zoneLabel(zone, localZone),
      ms: (ms, o) => formatInstantMs(ms, effective, { ...o, localZone }),
      ns: (ns, o) => formatInstantNs(ns, effective, { ...o, localZone }),
      iso: (iso, o) => formatInstantIso(iso, effective, { ...o, localZone }),
      setZone,
    };
  }, [zone, localZone, setZone]);
  return <ZoneContext.Provider value={value}>{children}</ZoneContext.Provider>;
}

/** The page's zone formatters; outside a provider, exchange time (read-only). */
export function useDisplayZone(): ZoneFormatters {
  const ctx = useContext(ZoneContext);
  return (
    ctx ?? {
      zone: "exchange",
      localZone: undefined,
      suffix: "CT",
      label: zoneLabel("exchange"),
      ms: (ms, o) => formatInstantMs(ms, "exchange", o),
      ns: (ns, o) => formatInstantNs(ns, "exchange", o),
      iso: (iso, o) => formatInstantIso(iso, "exchange", o),
      setZone: () => {},
    }
  );
}

/** A labelled select of the display zone. */
export function TimeZoneSelect() {
  const { zone, localZone, setZone } = useDisplayZone();
  return (
    <label className="flex items-center gap-1.5 text-xs text-zinc-400">
      Time zone
      <select className="input h-7 w-auto py-0 text-xs" value={zone} onChange={(e) => isDisplayZone(e.target.value) && setZone(e.target.value)} data-testid="tz-select">
        {DISPLAY_ZONES.map((z) => (
          <option key={z} value={z}>
            {zoneLabel(z, localZone)}
          </option>
        ))}
      </select>
    </label>
  );
}
