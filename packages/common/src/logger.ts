import { pino, type Logger } from "pino";

export type { Logger };

/** A structured JSON logger for one component; children carry the component's name. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
