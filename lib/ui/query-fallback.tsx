"use client";
import Link from "next/link";
import { ApiError } from "./api";
import { ErrorAlert } from "./error-alert";

/**
 * What a page shows while its main query has no data: a loading line, a "not found" heading with a
 * link back to `back` (the API answered 404), or the error. `noun` names the thing ("import" ->
 * "Loading import…", "Import not found", "Could not load the import").
 */
export function QueryFallback({ isPending, error, noun, back }: { isPending: boolean; error: unknown; noun: string; back: { href: string; label: string } }) {
  if (isPending) return <p className="text-sm text-zinc-500">Loading {noun}…</p>;
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="space-y-2">
        <h1 className="text-lg font-semibold text-zinc-100">{`${noun.charAt(0).toUpperCase()}${noun.slice(1)} not found`}</h1>
        <Link href={back.href} className="text-sm text-accent hover:underline">
          {back.label}
        </Link>
      </div>
    );
  }
  return <ErrorAlert error={error} title={`Could not load the ${noun}`} />;
}
