import { redirect } from "next/navigation";
import { getPagePrincipal, safeNextPath } from "@/lib/server/page-auth";
import { LoginForm } from "./login-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNextPath((await searchParams).next);
  if (await getPagePrincipal()) redirect(next ?? "/");
  return (
    <div className="flex min-h-[70vh] items-center justify-center">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-2.5">
          <span aria-hidden className="grid size-8 place-items-center rounded bg-accent font-mono text-xs font-bold text-white">
            TB
          </span>
          <div>
            <p className="text-base font-semibold tracking-tight text-zinc-100">Tickbench</p>
            <p className="text-xs text-zinc-500">Tick-level backtesting for CME futures</p>
          </div>
        </div>
        <section className="panel p-5" aria-labelledby="login-heading">
          <h1 id="login-heading" className="mb-4 text-lg font-semibold text-zinc-100">
            Sign in
          </h1>
          <LoginForm next={next} />
        </section>
        <p className="mt-4 text-center text-xs text-zinc-500">Accounts are created by an administrator.</p>
      </div>
    </div>
  );
}
