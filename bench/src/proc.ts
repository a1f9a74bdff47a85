/**
 * Processes read from /proc (Linux): CPU time, memory, run-queue wait, children and
 * command lines, so a server under test is measured apart from the load on it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

let ticks: number | undefined;

/** Clock ticks per second of /proc's times (USER_HZ; 100 on every common Linux). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  // Fields after the name, numbered from 3 (state) as in proc(5).
  const fields = text.slice(close + 2).split(" ");
  const field = (n: number) => Number(fields[n - 3]);
  const utime = field(14);
  const stime = field(15);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { comm: text.slice(open + 1, close), ppid: field(4), cpuTicks: utime + stime };
}

/** CPU seconds (user + system) a live process has used; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
    return stat && stat.cpuTicks / clockTicks();
  } catch {
    return undefined;
  }
}

export interface ChildInfo {
  pid: number;
  comm: string;
  argv: string[];
}

/** The direct children of `ppid`, with their argument lists. */
export function childProcesses(ppid: number): ChildInfo[] {
  const out: ChildInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${name}/stat`, "utf8"));
      if (stat?.ppid !== ppid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      out.push({ pid: Number(name), comm: stat.comm, argv });
    } catch {
      // gone in the meantime
    }
  }
  return out;
}

/** A process's argument list, or undefined once it is gone. */
export function processArgv(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Resident set size, bytes; 0 when gone. */
export async function rssBytes(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const m = /^VmRSS:\s+(\d+) kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Seconds a thread spent runnable but waiting for a CPU (schedstat `run_delay`): how much
 * other work on the machine held it back. `tid` defaults to the main thread.
 */
export async function runDelaySeconds(pid: number, tid = pid): Promise<number> {
  const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "");
  return text ? Number(text.split(" ")[1]) / 1e9 : 0;
}

/** `run_delay` summed over every thread of a process, seconds. */
export async function processRunDelaySeconds(pid: number): Promise<number> {
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const delays = await Promise.all(tids.map((tid) => runDelaySeconds(pid, Number(tid))));
  return delays.reduce((a, b) => a + b, 0);
}
