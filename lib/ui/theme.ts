/**
 * Colour theme: dark by default, light on request, remembered in localStorage. The class on
 * <html> is set before the first paint by THEME_INIT_SCRIPT (inlined in app/layout.tsx), so a
 * light-theme user never sees a dark flash; the toggle then only swaps the class.
 */
export type Theme = "dark" | "light";
export const THEME_STORAGE_KEY = "tickbench.theme";

/** Runs in <head> before the body is parsed; tolerant of a blocked localStorage. */
export const THEME_INIT_SCRIPT = `(function(){try{if(localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)})==="light"){var c=document.documentElement.classList;c.remove("dark");c.add("light");}}catch(e){}})();`;

export function currentTheme(): Theme {
  return typeof document !== "undefined" && document.documentElement.classList.contains("light") ? "light" : "dark";
}

export function applyTheme(theme: Theme): void {
  const classes = document.documentElement.classList;
  classes.toggle("light", theme === "light");
  classes.toggle("dark", theme === "dark");
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}
