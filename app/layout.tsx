import type { Metadata, Viewport } from "next";
import { unstable_rethrow } from "next/navigation";
import type { ReactNode } from "react";
import type { Principal } from "@/lib/auth/roles";
import { getPagePrincipal } from "@/lib/server/page-auth";
import { THEME_INIT_SCRIPT } from "@/lib/ui/theme";
import { TopNav } from "@/lib/ui/top-nav";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tickbench", template: "%s · Tickbench" },
  description: "Tick-level backtesting for CME futures",
};

export const viewport: Viewport = { colorScheme: "dark", themeColor: "#09090b" };

/** The navigation is a convenience: if the principal cannot be resolved the page still renders (and reports the error itself). */
async function currentPrincipal(): Promise<Principal | null> {
  try {
    return await getPagePrincipal();
  } catch (error) {
    unstable_rethrow(error);
    return null;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  return (
    // The inline script may swap "dark" for "light" before hydration: that difference is expected.
    <html lang="en" className="dark" suppressHydrationWarning>
      <head>
        {/* Sets the stored theme before the first paint (no dark flash for light-theme users). */}
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body>
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-accent focus:px-3 focus:py-1.5 focus:text-white"
        >
          Skip to content
        </a>
        <Providers>
          {principal && <TopNav user={{ email: principal.email, role: principal.role }} />}
          <main id="main" className="mx-auto max-w-[1600px] px-4 py-5">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
