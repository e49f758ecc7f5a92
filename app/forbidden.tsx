import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto mt-16 max-w-md text-center" data-testid="forbidden">
      <p className="num font-mono text-sm text-zinc-500">403</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-100">403 - Forbidden: administrators only</h1>
      <p className="mt-2 text-sm text-zinc-400">Your account does not have access to this page. Ask an administrator if you need it.</p>
      <Link href="/" className="btn mt-6">
        Back to backtests
      </Link>
    </div>
  );
}
