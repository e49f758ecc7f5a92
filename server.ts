/**
 * The web process: Next.js (App Router) and Socket.IO on one HTTP port. Socket.IO uses the
 * PostgreSQL adapter, so progress that workers publish with the PostgreSQL emitter reaches every
 * browser connected to any web instance. Start: `node --import tsx server.ts` (npm start does it).
 */
import { createServer } from "node:http";
import next from "next";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/postgres-adapter";
import { z } from "zod";
import { loadEnv } from "./lib/config/env";
import { createLogger } from "./lib/log/logger";
import { getServerContext } from "./lib/server/context";
import { resolvePrincipal } from "./lib/auth/principal";
import { getRunRow } from "./lib/runs/run-service";
import { toProgressDto } from "./lib/runs/run-dto";
import { EVENTS, IMPORT_EVENTS, importRoom, runRoom } from "./lib/realtime/channels";
import { getImportJob } from "./lib/imports/import-jobs";

async function main() {
  const env = loadEnv();
  const log = createLogger("web", env.LOG_LEVEL);
  const dev = env.NODE_ENV === "development";
  const app = next({ dev, hostname: "localhost", port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const ctx = await getServerContext();

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log.error({ err }, "request failed");
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });

  const io = new Server(server, { path: "/socket.io", serveClient: false, adapter: createAdapter(ctx.pool) });
  const watchSchema = z.object({ runId: z.string().uuid() });
  const watchImportSchema = z.object({ importJobId: z.string().uuid() });

  io.on("connection", (socket) => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(socket.handshake.headers)) if (typeof v === "string") headers.set(k, v);
    // Listeners are registered synchronously (a client may emit right after connecting); the
    // caller is resolved once and awaited by each handler.
    const principalPromise = resolvePrincipal(ctx.db, ctx.auth, headers).catch(() => null);
    socket.on(EVENTS.watch, async (payload: unknown) => {
      const parsed = watchSchema.safeParse(payload);
      if (!parsed.success) return socket.emit(EVENTS.denied, { message: "Invalid run id" });
      const { runId } = parsed.data;
      try {
        const principal = await principalPromise;
        if (!principal) throw new Error("Sign in required");
        const run = await getRunRow(ctx.db, principal, runId);
        await socket.join(runRoom(runId));
        // The current state at once: a late or reconnecting browser does not wait for the next update.
        socket.emit(EVENTS.state, toProgressDto(run, env.RUN_STALL_AFTER_SEC));
      } catch {
        socket.emit(EVENTS.denied, { runId, message: "Run not found" });
      }
    });
    socket.on(EVENTS.unwatch, (payload: unknown) => {
      const parsed = watchSchema.safeParse(payload);
      if (parsed.success) void socket.leave(runRoom(parsed.data.runId));
    });
    // Import jobs: readable by every signed-in user, like the import reports.
    socket.on(IMPORT_EVENTS.watch, async (payload: unknown) => {
      const parsed = watchImportSchema.safeParse(payload);
      if (!parsed.success) return socket.emit(IMPORT_EVENTS.denied, { message: "Invalid import id" });
      const { importJobId } = parsed.data;
      try {
        if (!(await principalPromise)) throw new Error("Sign in required");
        const job = await getImportJob(ctx.db, importJobId, env.RUN_STALL_AFTER_SEC);
        await socket.join(importRoom(importJobId));
        socket.emit(IMPORT_EVENTS.state, job);
      } catch {
        socket.emit(IMPORT_EVENTS.denied, { importJobId, message: "Import not found" });
      }
    });
    socket.on(IMPORT_EVENTS.unwatch, (payload: unknown) => {
      const parsed = watchImportSchema.safeParse(payload);
      if (parsed.success) void socket.leave(importRoom(parsed.data.importJobId));
    });
  });

  server.listen(env.PORT, env.HOST, () => log.info({ port: env.PORT, dev }, `Tickbench web listening on http://localhost:${env.PORT}`));

  const shutdown = (signal: string) => {
    log.info({ signal }, "web stopping");
    io.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 60, msg: "web server crashed", err: String(error?.stack ?? error) }));
  process.exit(1);
});
