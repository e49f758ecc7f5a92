import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { CompareView } from "./compare-view";

export const metadata: Metadata = { title: "Compare runs" };

interface Props {
  searchParams: Promise<{ ids?: string | string[] }>;
}

/** `/compare?ids=a,b,c`: the comparison is addressable by URL; the API validates the ids. */
export default async function ComparePage({ searchParams }: Props) {
  const raw = (await searchParams).ids;
  const ids = (Array.isArray(raw) ? raw.join(",") : (raw ?? ""))
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  await requirePageUser(`/compare${ids.length > 0 ? `?ids=${ids.map(encodeURIComponent).join(",")}` : ""}`);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold text-zinc-100">Compare runs</h1>
        <p className="text-sm text-zinc-500">Two to ten finished runs side by side. Times in exchange time (CT).</p>
      </div>
      <CompareView ids={ids} />
    </div>
  );
}
