import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * A structured JSON logger for one component; children carry the component's name.
 * Writes to stdout unless given another destination (tests read logs that way).
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  return destination ? pino({ name, level, base: { pid: process.pid } }, destination) : pino({ name, level, base: { pid: process.pid } });
}
