/** CPU-time snapshots of the processes in a measurement, and the difference of two. */
import { processCpuSeconds } from "../proc.js";

/** Seconds of CPU (user + system) by part of the pipeline, e.g. { transcoder: 12.3 }. */
export type CpuSnapshot = Record<string, number>;

/** Reads every process's CPU time; throws when one is gone (the measurement is void). */
export function snapshot(pids: Record<string, number>, extra: CpuSnapshot = {}): CpuSnapshot {
  const out: CpuSnapshot = { ...extra };
  for (const [part, pid] of Object.entries(pids)) {
    const seconds = processCpuSeconds(pid);
    if (seconds === undefined) throw new Error(`${part} (pid ${pid}) exited during the measurement`);
    out[part] = seconds;
  }
  return out;
}

export function difference(end: CpuSnapshot, start: CpuSnapshot): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [part, seconds] of Object.entries(end)) out[part] = seconds - (start[part] ?? 0);
  return out;
}

/** This Node process's own CPU seconds (all threads). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** One measured window: CPU used by each part, video produced, wall time. */
export interface WindowSample {
  cpu: CpuSnapshot;
  /** Seconds of video the first rung produced in the window. */
  mediaSeconds: number;
  wallSeconds: number;
}
