"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";

/** Creates a read-only share link for a finished run and shows it once, ready to copy. */
export function ShareButton({ runId }: { runId: string }) {
  const [open, setOpen] = useState(false);
  const [expiry, setExpiry] = useState("");
  const queryClient = useQueryClient();
  const share = useMutation({
    mutationFn: () => api.shareRun(runId, expiry ? { expiresInDays: Number(expiry) } : {}),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.shareLinks }),
  });
  if (!open) {
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Share
      </button>
    );
  }
  const url = share.data ? `${window.location.origin}${share.data.path}` : null;
  return (
    <div className="flex flex-wrap items-end gap-2 rounded border border-zinc-700 bg-zinc-900 p-2 text-xs" role="group" aria-label="Share this run">
      {!url && (
        <>
          <div>
            <label htmlFor="share-expiry" className="block text-zinc-400">
              Link expires
            </label>
            <select id="share-expiry" className="input h-7 w-36" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              <option value="">never (until revoked)</option>
              <option value="1">in 1 day</option>
              <option value="7">in 7 days</option>
              <option value="30">in 30 days</option>
            </select>
          </div>
          <button type="button" className="btn btn-primary h-7" disabled={share.isPending} onClick={() => share.mutate()}>
            Create link
          </button>
        </>
      )}
      {url && (
        <div className="space-y-1">
          <label htmlFor="share-url" className="block text-zinc-400">
            Read-only link (anyone with it can view these results)
          </label>
          <div className="flex gap-1">
            <input id="share-url" className="input h-7 w-96 font-mono text-[11px]" readOnly value={url} data-testid="share-url" onFocus={(e) => e.target.select()} />
            <button type="button" className="btn h-7" onClick={() => void navigator.clipboard?.writeText(url)}>
              Copy
            </button>
          </div>
        </div>
      )}
      {share.isError && <ErrorAlert error={share.error} title="Could not create the link" />}
    </div>
  );
}
