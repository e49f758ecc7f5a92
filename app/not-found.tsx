import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto mt-16 max-w-md text-center" data-testid="not-found">
      <p className="num font-mono text-sm text-zinc-500">404</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-100">Not found</h1>
      <p className="mt-2 text-sm text-zinc-400">This page does not exist, or you do not have access to it.</p>
      <Link href="/" className="btn mt-6">
        Back to backtests
      </Link>
    </div>
  );
}
