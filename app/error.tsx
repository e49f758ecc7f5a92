"use client";
import Link from "next/link";
import { useEffect } from "react";

/** Unexpected errors in a page. Server errors arrive with a generic message and a digest for the logs. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="mx-auto mt-16 max-w-md text-center">
      <h1 className="text-xl font-semibold text-zinc-100">Something went wrong</h1>
      <p role="alert" className="mt-2 text-sm text-zinc-400">
        The page could not be displayed. Try again; if it keeps failing, tell an administrator
        {digest ? (
          <>
            {" "}
            and quote reference <code className="font-mono text-zinc-300">{digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="mt-6 flex justify-center gap-2">
        <button type="button" className="btn btn-primary" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/" className="btn">
          Back to backtests
        </Link>
      </div>
    </div>
  );
}
