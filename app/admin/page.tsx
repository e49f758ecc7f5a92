import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/server/page-auth";
import { DatasetsTable } from "@/lib/ui/datasets-table";
import { CreateUserForm } from "./create-user-form";
import { UsersTable } from "./users-table";

export const metadata: Metadata = { title: "Administration" };

export default async function AdminPage() {
  await requirePageAdmin("/admin");
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold text-zinc-100">Administration</h1>
      <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_340px]">
        <section className="panel" aria-labelledby="users-heading">
          <div className="panel-header">
            <h2 id="users-heading" className="panel-title">
              Users
            </h2>
          </div>
          <UsersTable labelledBy="users-heading" />
        </section>
        <section className="panel" aria-labelledby="create-user-heading">
          <div className="panel-header">
            <h2 id="create-user-heading" className="panel-title">
              Create user
            </h2>
          </div>
          <CreateUserForm />
        </section>
      </div>
      <section className="panel" aria-labelledby="admin-datasets-heading">
        <div className="panel-header">
          <h2 id="admin-datasets-heading" className="panel-title">
            Datasets
          </h2>
          <span className="text-[11px] text-zinc-500">
            Import and generate with the <code className="font-mono">tickbench</code> CLI
          </span>
        </div>
        <DatasetsTable labelledBy="admin-datasets-heading" />
      </section>
    </div>
  );
}
