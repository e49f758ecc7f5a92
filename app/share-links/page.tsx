import type { Metadata } from "next";
import { requirePageUser } from "@/lib/server/page-auth";
import { Panel } from "@/lib/ui/panel";
import { ShareLinksTable } from "./share-links-table";

export const metadata: Metadata = { title: "My share links" };

export default async function ShareLinksPage() {
  await requirePageUser("/share-links");
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-lg font-semibold text-zinc-100">My share links</h1>
        <p className="text-sm text-zinc-500">Read-only links to single runs. Revoking a link makes it answer 404 at once.</p>
      </div>
      <Panel id="share-links-heading" title="Links">
        <ShareLinksTable labelledBy="share-links-heading" />
      </Panel>
    </div>
  );
}
