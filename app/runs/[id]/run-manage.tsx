"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RunDto } from "@/lib/runs/run-dto";
import { api, queryKeys } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";
import { Panel } from "@/lib/ui/panel";

/** Name, tags and notes of a run (owner), and deleting a finished run. */
export function RunManage({ run, finished }: { run: RunDto; finished: boolean }) {
  const [name, setName] = useState(run.name);
  const [tags, setTags] = useState(run.tags.join(" "));
  const [notes, setNotes] = useState(run.notes ?? "");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const router = useRouter();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => api.updateRun(run.id, { name, tags: tags.split(/[\s,]+/).filter(Boolean), notes: notes.trim() === "" ? null : notes }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.runs }),
  });
  const remove = useMutation({
    mutationFn: () => api.deleteRun(run.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.runs });
      router.replace("/");
    },
  });
  return (
    <Panel id="manage-heading" title="Notes and tags">
      <form
        className="space-y-2 p-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div>
          <label htmlFor="run-name-input" className="block text-xs text-zinc-400">
            Name
          </label>
          <input id="run-name-input" className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
        </div>
        <div>
          <label htmlFor="run-tags-input" className="block text-xs text-zinc-400">
            Tags (space separated)
          </label>
          <input id="run-tags-input" className="input font-mono" value={tags} onChange={(e) => setTags(e.target.value)} />
        </div>
        <div>
          <label htmlFor="run-notes-input" className="block text-xs text-zinc-400">
            Notes
          </label>
          <textarea id="run-notes-input" className="input h-20 py-1" value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={10_000} />
        </div>
        {save.isError && <ErrorAlert error={save.error} title="Could not save" />}
        <div className="flex items-center gap-2">
          <button type="submit" className="btn btn-primary h-7" disabled={save.isPending}>
            Save
          </button>
          {save.isSuccess && (
            <span role="status" className="text-xs text-up">
              Saved
            </span>
          )}
          {finished && !confirmDelete && (
            <button type="button" className="btn btn-ghost ml-auto h-7 text-red-300" onClick={() => setConfirmDelete(true)}>
              Delete run
            </button>
          )}
          {confirmDelete && (
            <span className="ml-auto flex items-center gap-1">
              <span className="text-xs text-red-300">Delete this run and its results?</span>
              <button type="button" className="btn btn-danger h-7" disabled={remove.isPending} onClick={() => remove.mutate()}>
                Delete
              </button>
              <button type="button" className="btn btn-ghost h-7" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
            </span>
          )}
        </div>
        {remove.isError && <ErrorAlert error={remove.error} title="Could not delete the run" />}
      </form>
    </Panel>
  );
}
