"use client";
/**
 * A shared wall clock that ticks once a second, for "N s ago" labels. Built on
 * useSyncExternalStore: the server (and hydration) see `null`, so no mismatched text, and one
 * interval serves every component that asks.
 */
import { useSyncExternalStore } from "react";

let nowMs = 0;
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function tick() {
  nowMs = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    nowMs = Date.now();
    timer = setInterval(tick, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

function getSnapshot(): number {
  // Stable between ticks: React requires consecutive snapshots to be equal.
  if (nowMs === 0) nowMs = Date.now();
  return nowMs;
}
const getServerSnapshot = () => null;

/** Current time in ms, refreshed every second; null during server rendering and hydration. */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
