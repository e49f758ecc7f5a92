/**
 * Who is looking at a page: for Server Components only (reads the request's headers). Route
 * handlers use lib/http/route.ts instead. Reading headers makes every page that calls these
 * render per request, never prerendered.
 */
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { resolvePrincipal } from "@/lib/auth/principal";
import type { Principal } from "@/lib/auth/roles";
import { getServerContext } from "@/lib/server/context";

/** The signed-in user (session cookie or Bearer token), or null. Resolved once per request. */
export const getPagePrincipal = cache(async (): Promise<Principal | null> => {
  const requestHeaders = await headers();
  const ctx = await getServerContext();
  return resolvePrincipal(ctx.db, ctx.auth, requestHeaders);
});

/** Only a same-site path may be a post-login destination (no "//host" or "https://..."). */
export function safeNextPath(next: string | string[] | undefined | null): string | null {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  return value;
}

/** "/login?next=/runs/abc": slashes stay readable (they are legal in a query string). */
export function loginPath(next: string | null): string {
  return next ? `/login?next=${encodeURIComponent(next).replace(/%2F/gi, "/")}` : "/login";
}

/**
 * The signed-in user; otherwise redirects to /login?next=<path>. Server Components are not told
 * the URL they render, so each page passes its own path.
 */
export async function requirePageUser(path?: string): Promise<Principal> {
  const principal = await getPagePrincipal();
  if (!principal) redirect(loginPath(safeNextPath(path)));
  return principal;
}

/** A signed-in administrator; others get the 403 page (app/forbidden.tsx). */
export async function requirePageAdmin(path?: string): Promise<Principal> {
  const principal = await requirePageUser(path);
  if (principal.role !== "admin") forbidden();
  return principal;
}
