"use client";
import { useQuery } from "@tanstack/react-query";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso } from "@/lib/ui/format";

export function UsersTable({ labelledBy }: { labelledBy: string }) {
  const query = useQuery({ queryKey: queryKeys.users, queryFn: api.users });
  if (query.isPending) return <p className="px-3 py-6 text-sm text-zinc-500">Loading users…</p>;
  if (query.isError) {
    return (
      <div className="p-3">
        <ErrorAlert error={query.error} title="Could not load users" />
      </div>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="data-table" aria-labelledby={labelledBy} data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Created (CT)</th>
          </tr>
        </thead>
        <tbody>
          {query.data.users.map((user) => (
            <tr key={user.id} data-testid="user-row" data-email={user.email}>
              <td className="font-medium text-zinc-100">{user.email}</td>
              <td className="text-zinc-400">{user.name}</td>
              <td>
                <span
                  className={`rounded-sm border px-1.5 py-px text-[11px] font-semibold tracking-wide uppercase ${
                    user.role === "admin" ? "border-accent/60 text-blue-300" : "border-zinc-700 text-zinc-400"
                  }`}
                >
                  {user.role}
                </span>
              </td>
              <td className="text-zinc-400">{formatCtIso(user.createdAt, { zone: false })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
