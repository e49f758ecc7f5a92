"use client";
/**
 * The dashboard's URL state as a hook. Changes go through the History API (Next keeps
 * useSearchParams in sync with pushState/replaceState), so switching a tab, a page of trades or
 * the time zone never reloads data that did not change. Tabs and the opened trade push a history
 * entry (Back returns to them); sorting, filtering and the time zone replace the current one.
 */
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { dashboardSearch, parseDashboardState, type DashboardPatch, type DashboardState } from "./dashboard-url";

export function useDashboardUrl(): { state: DashboardState; navigate: (patch: DashboardPatch, mode?: "push" | "replace") => void; hrefFor: (patch: DashboardPatch) => string } {
  const params = useSearchParams();
  const pathname = usePathname();
  const state = useMemo(() => parseDashboardState(params), [params]);
  const hrefFor = useCallback((patch: DashboardPatch) => `${pathname}${dashboardSearch(new URLSearchParams(params.toString()), patch)}`, [params, pathname]);
  const navigate = useCallback(
    (patch: DashboardPatch, mode: "push" | "replace" = "replace") => {
      const url = `${window.location.pathname}${dashboardSearch(new URLSearchParams(window.location.search), patch)}`;
      if (mode === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    },
    [],
  );
  return { state, navigate, hrefFor };
}
