"use client";
import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { ThemeToggle } from "./theme-toggle";

interface NavUser {
  email: string;
  role: "admin" | "analyst";
}

const LINKS = [
  { href: "/", label: "Backtests", match: (p: string) => p === "/" || p.startsWith("/runs") },
  { href: "/datasets", label: "Datasets", match: (p: string) => p.startsWith("/datasets") },
  { href: "/share-links", label: "Share links", match: (p: string) => p.startsWith("/share-links") },
  { href: "/admin", label: "Admin", match: (p: string) => p.startsWith("/admin"), adminOnly: true },
];

export function TopNav({ user }: { user: NavUser }) {
  const pathname = usePathname() ?? "/";
  const router = useRouter();
  const queryClient = useQueryClient();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    } finally {
      // Nothing of this user's data may stay cached in the tab for the next one.
      queryClient.clear();
      router.replace("/login");
      router.refresh();
    }
  }

  return (
    <header className="sticky top-0 z-20 border-b border-line bg-zinc-950/90 backdrop-blur">
      <div className="mx-auto flex h-11 max-w-[1600px] items-center gap-6 px-4">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold tracking-tight text-zinc-100">
          <span aria-hidden className="grid size-5 place-items-center rounded-sm bg-accent font-mono text-[10px] font-bold text-white">
            TB
          </span>
          Tickbench
        </Link>
        <nav aria-label="Main" className="flex h-full items-stretch gap-1">
          {LINKS.filter((l) => !l.adminOnly || user.role === "admin").map((link) => {
            const active = link.match(pathname);
            return (
              <Link
                key={link.href}
                href={link.href}
                aria-current={active ? "page" : undefined}
                className={`flex items-center border-b-2 px-2.5 text-sm transition-colors ${
                  active ? "border-accent text-zinc-100" : "border-transparent text-zinc-400 hover:text-zinc-200"
                }`}
              >
                {link.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-xs">
          <span className="text-zinc-400" data-testid="nav-user-email">
            {user.email}
          </span>
          {user.role === "admin" && (
            <span className="rounded-sm border border-zinc-700 px-1 py-px text-[10px] tracking-wider text-zinc-400 uppercase">admin</span>
          )}
          <ThemeToggle />
          <button type="button" className="btn btn-ghost h-7 px-2 text-xs" onClick={signOut} disabled={signingOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </div>
    </header>
  );
}
