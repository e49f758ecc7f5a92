"use client";
/**
 * Live progress of one run over Socket.IO. Watches the run on every (re)connection - the server
 * answers each watch with the current state, so nothing is missed across a reconnect - and only
 * while the run is queued or running: a finished run never changes again.
 */
import { useEffect, useReducer, useState } from "react";
import { io } from "socket.io-client";
import { EVENTS } from "@/lib/realtime/channels";
import { ACTIVE_STATUSES, type RunProgressDto } from "@/lib/runs/run-dto";
import { initialLiveRun, reduceLiveRun } from "@/lib/ui/run-progress";

export type Connection = "connecting" | "live" | "offline";

export function useLiveRun(initial: RunProgressDto) {
  const [state, dispatch] = useReducer(reduceLiveRun, initial, initialLiveRun);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [denied, setDenied] = useState<string | null>(null);
  const runId = initial.runId;
  const active = ACTIVE_STATUSES.includes(state.progress.status);

  useEffect(() => {
    if (!active) return;
    const socket = io({ path: "/socket.io" });
    socket.on("connect", () => {
      setConnection("live");
      socket.emit(EVENTS.watch, { runId });
    });
    socket.on("disconnect", () => setConnection("offline"));
    socket.on("connect_error", () => setConnection("offline"));
    socket.on(EVENTS.state, (payload: RunProgressDto) => {
      if (payload?.runId !== runId) return;
      setDenied(null);
      dispatch(payload);
    });
    socket.on(EVENTS.denied, (payload: { runId?: string; message?: string }) => {
      if (payload?.runId && payload.runId !== runId) return;
      setDenied(payload?.message ?? "Live updates are not available for this run");
    });
    return () => {
      if (socket.connected) socket.emit(EVENTS.unwatch, { runId });
      socket.disconnect();
    };
  }, [runId, active]);

  return { progress: state.progress, liveEquity: state.liveEquity, connection, denied, apply: dispatch };
}
