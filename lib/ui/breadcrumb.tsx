import Link from "next/link";
import { Fragment, type ReactNode } from "react";

export interface Crumb {
  label: ReactNode;
  /** A link; the last crumb (the page itself) usually has none. */
  href?: string;
  /** Set in monospace (names and ids). */
  mono?: boolean;
}

/** A page's breadcrumb trail: crumbs separated by "/", links where they lead somewhere. */
export function Breadcrumb({ crumbs }: { crumbs: readonly Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
      {crumbs.map((crumb, i) => (
        <Fragment key={i}>
          {i > 0 && (
            <span aria-hidden className="mx-1.5">
              /
            </span>
          )}
          {crumb.href ? (
            <Link href={crumb.href} className={crumb.mono ? "font-mono hover:text-zinc-300" : "hover:text-zinc-300"}>
              {crumb.label}
            </Link>
          ) : (
            <span className={crumb.mono ? "font-mono text-zinc-400" : "text-zinc-400"}>{crumb.label}</span>
          )}
        </Fragment>
      ))}
    </nav>
  );
}
