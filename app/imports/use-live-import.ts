"use client";
/**
 * Live state of one import job: fetched once, then updated over Socket.IO while the job is queued
 * or running (watched on every (re)connection - the server answers each watch with the current
 * state, so nothing is missed across a reconnect). A slow poll backs the socket up. A finished job
 * never changes again, and an older message never moves a finished job back to running.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { io } from "socket.io-client";
import { IMPORT_EVENTS } from "@/lib/realtime/channels";
import { ACTIVE_IMPORT_STATUSES, type ImportJobProgressDto } from "@/lib/imports/import-job-dto";
import { api, queryKeys, type ImportJob } from "@/lib/ui/api";

export type Connection = "connecting" | "live" | "offline";

const isActive = (status: string) => (ACTIVE_IMPORT_STATUSES as string[]).includes(status);

/** Applies a progress message to a job; a message about a running job never undoes an ending. */
export function mergeImportState(job: ImportJob, update: ImportJobProgressDto): ImportJob {
  if (update.importJobId !== job.id) return job;
  if (!isActive(job.status) && isActive(update.status)) return job;
  if (job.status === "running" && update.status === "running" && update.bytesRead < job.bytesRead) return job;
  return { ...job, ...update };
}

export function useLiveImport(id: string | null) {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<Connection>("connecting");
  const query = useQuery({
    queryKey: queryKeys.importJob(id ?? ""),
    queryFn: () => api.importJob(id!),
    enabled: id !== null,
    // The socket is the live path; this poll only covers a socket that cannot connect.
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.status) ? 5_000 : false),
  });
  const active = query.data ? isActive(query.data.status) : false;

  useEffect(() => {
    if (!id || !active) return;
    const key = queryKeys.importJob(id);
    const socket = io({ path: "/socket.io" });
    socket.on("connect", () => {
      setConnection("live");
      socket.emit(IMPORT_EVENTS.watch, { importJobId: id });
    });
    socket.on("disconnect", () => setConnection("offline"));
    socket.on("connect_error", () => setConnection("offline"));
    socket.on(IMPORT_EVENTS.state, (payload: ImportJobProgressDto) => {
      if (payload?.importJobId !== id) return;
      queryClient.setQueryData<ImportJob>(key, (current) => (current ? mergeImportState(current, payload) : current));
    });
    return () => {
      if (socket.connected) socket.emit(IMPORT_EVENTS.unwatch, { importJobId: id });
      socket.disconnect();
    };
  }, [id, active, queryClient]);

  // Once the import has ended (seen live or by polling), its dataset and imports have changed.
  const status = query.data?.status;
  useEffect(() => {
    if (status && !isActive(status)) void queryClient.invalidateQueries({ queryKey: queryKeys.datasets });
  }, [status, queryClient]);

  return { job: query.data, error: query.error, isPending: query.isPending, connection };
}
