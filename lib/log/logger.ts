/** Structured JSON logs (pino) shared by the web server, workers and CLI. */
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level, base: { pid: process.pid, service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
