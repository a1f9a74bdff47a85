/**
 * Requests held until the stream reaches some state (a blocking playlist reload, a
 * preload-hint part). `check()` re-tests them all whenever the packager publishes; the
 * origin holds at most a few hundred at once (edges coalesce viewers), so a scan is fine.
 */
export class Waiters {
  private readonly pending = new Set<{ ready: () => boolean; resolve: (ok: boolean) => void; timer: NodeJS.Timeout }>();

  /** Resolves true once `ready()` holds, false after `timeoutMs` or on `cancelAll()`. */
  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        ready,
        resolve,
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve(false);
        }, timeoutMs),
      };
      this.pending.add(entry);
    });
  }

  check(): void {
    for (const entry of this.pending) {
      if (!entry.ready()) continue;
      clearTimeout(entry.timer);
      this.pending.delete(entry);
      entry.resolve(true);
    }
  }

  cancelAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve(false);
    }
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
