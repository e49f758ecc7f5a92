"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { formatCtIso } from "@/lib/ui/format";

export function ShareLinksTable({ labelledBy }: { labelledBy: string }) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.shareLinks, queryFn: api.shareLinks });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeShareLink(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.shareLinks }),
  });
  if (query.isPending) return <p className="px-3 py-6 text-sm text-zinc-500">Loading share links…</p>;
  if (query.isError) return <div className="p-3"><ErrorAlert error={query.error} title="Could not load share links" /></div>;
  const links = query.data.shareLinks;
  if (links.length === 0) {
    return (
      <p className="px-3 py-6 text-sm text-zinc-500" data-testid="share-links-empty">
        No share links yet. Open a finished run and use “Share”.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      {revoke.isError && <ErrorAlert error={revoke.error} title="Could not revoke the link" />}
      <table className="data-table" aria-labelledby={labelledBy} data-testid="share-links-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Created (CT)</th>
            <th scope="col">Expires (CT)</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {links.map((l) => (
            <tr key={l.id} data-testid="share-link-row" data-active={l.active ? "true" : "false"}>
              <td>
                <Link href={`/runs/${l.runId}`} className="text-zinc-100 hover:underline">
                  {l.runName}
                </Link>
              </td>
              <td className="text-zinc-400">{formatCtIso(l.createdAt, { zone: false })}</td>
              <td className="text-zinc-400">{l.expiresAt ? formatCtIso(l.expiresAt, { zone: false }) : "never"}</td>
              <td className={l.active ? "text-up" : "text-zinc-500"}>{l.revokedAt ? "revoked" : l.active ? "active" : "expired"}</td>
              <td className="text-right">
                {l.active && (
                  <button type="button" className="btn btn-danger h-7" disabled={revoke.isPending} onClick={() => revoke.mutate(l.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
