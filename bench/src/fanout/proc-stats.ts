/**
 * CPU time and memory of other processes, from /proc (Linux): how the server under test is
 * measured apart from the load generator.
 */
import { readdir, readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of one process (all its threads), seconds; 0 when it is gone. */
export async function cpuSeconds(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (!text) return 0;
  // Fields after the command name (which may hold spaces) in parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
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

/** Direct children of a process. */
export async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return text.split(" ").filter(Boolean).map(Number);
}

/**
 * CPU seconds and RSS of a process and its direct children (nginx: master + worker), and the
 * run-queue wait of their main threads (the edge's event loop; nginx's worker).
 */
export async function treeUsage(pid: number, withChildren: boolean): Promise<{ cpuSeconds: number; rssBytes: number; waitSeconds: number }> {
  const pids = withChildren ? [pid, ...(await childrenOf(pid))] : [pid];
  const sum = async (f: (pid: number) => Promise<number>) => (await Promise.all(pids.map(f))).reduce((a, b) => a + b, 0);
  const [cpu, rss, wait] = await Promise.all([sum(cpuSeconds), sum(rssBytes), sum((p) => runDelaySeconds(p))]);
  return { cpuSeconds: cpu, rssBytes: rss, waitSeconds: wait };
}

/**
 * Samples a server's CPU time at the window's edges and its RSS every 500 ms in between:
 * `open()` and `close()` at the window's edges, then `result()`.
 */
export class ServerMeter {
  private cpuAtOpen: Promise<{ cpuSeconds: number; waitSeconds: number }> | undefined;
  private cpuAtClose: Promise<{ cpuSeconds: number; waitSeconds: number }> | undefined;
  private peakRss = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly withChildren: boolean,
  ) {}

  open(): void {
    this.cpuAtOpen = treeUsage(this.pid, this.withChildren);
    this.timer = setInterval(() => void this.sampleRss(), 500);
    void this.sampleRss();
  }

  close(): void {
    clearInterval(this.timer);
    this.cpuAtClose = treeUsage(this.pid, this.withChildren).then((u) => {
      this.peakRss = Math.max(this.peakRss, u.rssBytes);
      return u;
    });
  }

  /** CPU time, peak RSS, and how long the main thread(s) waited for a CPU, over the window. */
  async result(): Promise<{ cpuSeconds: number; peakRssBytes: number; waitSeconds: number }> {
    if (!this.cpuAtOpen || !this.cpuAtClose) return { cpuSeconds: Number.NaN, peakRssBytes: Number.NaN, waitSeconds: Number.NaN };
    const [open, close] = await Promise.all([this.cpuAtOpen, this.cpuAtClose]);
    return { cpuSeconds: close.cpuSeconds - open.cpuSeconds, peakRssBytes: this.peakRss, waitSeconds: close.waitSeconds - open.waitSeconds };
  }

  private async sampleRss(): Promise<void> {
    const u = await treeUsage(this.pid, this.withChildren);
    this.peakRss = Math.max(this.peakRss, u.rssBytes);
  }
}
