import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/server/page-auth";
import { DatasetsTable } from "@/lib/ui/datasets-table";
import { CreateUserForm } from "./create-user-form";
import { UsersTable } from "./users-table";
import { Panel } from "@/lib/ui/panel";

export const metadata: Metadata = { title: "Administration" };

export default async function AdminPage() {
  await requirePageAdmin("/admin");
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold text-zinc-100">Administration</h1>
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_340px]">
        <Panel id="users-heading" title="Users">
          <UsersTable labelledBy="users-heading" />
        </Panel>
        <Panel id="create-user-heading" title="Create user">
          <CreateUserForm />
        </Panel>
      </div>
      <Panel
        id="admin-datasets-heading"
        title="Datasets"
        actions={
          <span className="text-[11px] text-zinc-500">
            Import and generate with the <code className="font-mono">tickbench</code> CLI
          </span>
        }
      >
        <DatasetsTable labelledBy="admin-datasets-heading" />
      </Panel>
    </div>
  );
}
