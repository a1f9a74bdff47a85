/** CPU time and memory of a server under test over a measuring window. */
import { childProcesses, processCpuSeconds, rssBytes, runDelaySeconds } from "../proc.js";

/**
 * CPU seconds and RSS of a process and its direct children (nginx: master + worker), and the
 * run-queue wait of their main threads (the edge's event loop; nginx's worker).
 */
export async function treeUsage(pid: number, withChildren: boolean): Promise<{ cpuSeconds: number; rssBytes: number; waitSeconds: number }> {
  const pids = withChildren ? [pid, ...childProcesses(pid).map((c) => c.pid)] : [pid];
  const sum = async (f: (pid: number) => Promise<number>) => (await Promise.all(pids.map(f))).reduce((a, b) => a + b, 0);
  const cpu = pids.reduce((total, p) => total + (processCpuSeconds(p) ?? 0), 0);
  const [rss, wait] = await Promise.all([sum(rssBytes), sum((p) => runDelaySeconds(p))]);
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
