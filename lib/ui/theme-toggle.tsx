"use client";
import { useSyncExternalStore } from "react";
import { applyTheme, currentTheme, type Theme } from "./theme";

/** The class on <html> is the single source of truth; watch it (another tab, the toggle). */
function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

/** Toggle button between the dark (default) and the light theme; pressed = light. */
export function ThemeToggle({ className = "" }: { className?: string }) {
  const theme = useSyncExternalStore<Theme>(subscribe, currentTheme, () => "dark");
  const light = theme === "light";
  return (
    <button
      type="button"
      className={`btn btn-ghost h-7 px-2 text-xs ${className}`}
      aria-pressed={light}
      title={light ? "Switch to the dark theme" : "Switch to the light theme"}
      data-testid="theme-toggle"
      onClick={() => applyTheme(light ? "dark" : "light")}
    >
      <span aria-hidden>{light ? "☾" : "☀"}</span>
      Light theme
    </button>
  );
}
