interface Held {
  resolve: (ok: boolean) => void;
  deadline: number;
}

/** One thing some held requests wait for, those requests in arrival order, and one timer for their deadlines. */
interface Condition {
  ready: () => boolean;
  held: Set<Held>;
  timer: NodeJS.Timeout | undefined;
  /** When `timer` fires. */
  due: number;
}

/**
 * Requests held until the stream reaches some state (a blocking playlist reload, a
 * preload-hint part, the first media). Requests that wait for the same thing share one
 * condition under one key, so `check()` tests each distinct condition once however many
 * requests hold on it (an edge's thousands of viewers mostly wait for the same next part),
 * and one timer per condition, not per request, keeps their deadlines.
 */
export class Waiters {
  private readonly conditions = new Map<string, Condition>();

  /**
   * Resolves true once `ready()` holds, false after `timeoutMs` or on `cancelAll()`. Every
   * wait under one `key` must mean the same condition: only the first one's `ready` is kept.
   */
  wait(key: string, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    let condition = this.conditions.get(key);
    if (!condition) this.conditions.set(key, (condition = { ready, held: new Set(), timer: undefined, due: Infinity }));
    const c = condition;
    return new Promise((resolve) => {
      const deadline = Date.now() + timeoutMs;
      c.held.add({ resolve, deadline });
      if (deadline < c.due) this.expireAt(key, c, deadline);
    });
  }

  /** Releases the requests whose condition now holds; call whenever the stream changes. */
  check(): void {
    for (const [key, condition] of this.conditions) {
      if (!condition.ready()) continue;
      this.conditions.delete(key);
      clearTimeout(condition.timer);
      for (const entry of condition.held) entry.resolve(true);
    }
  }

  cancelAll(): void {
    for (const condition of this.conditions.values()) {
      clearTimeout(condition.timer);
      for (const entry of condition.held) entry.resolve(false);
    }
    this.conditions.clear();
  }

  /** Requests held now. */
  get size(): number {
    let n = 0;
    for (const condition of this.conditions.values()) n += condition.held.size;
    return n;
  }

  private expireAt(key: string, c: Condition, due: number): void {
    clearTimeout(c.timer);
    c.due = due;
    c.timer = setTimeout(() => this.expire(key, c), Math.max(0, due - Date.now()));
  }

  /** Answers false to the requests past their deadline; the timer moves on to the next deadline. */
  private expire(key: string, c: Condition): void {
    const now = Date.now();
    let next = Infinity;
    for (const entry of c.held) {
      if (entry.deadline <= now) {
        c.held.delete(entry);
        entry.resolve(false);
      } else {
        next = Math.min(next, entry.deadline);
      }
    }
    c.timer = undefined;
    c.due = Infinity;
    // Not sooner than 10 ms: each expiry scans the condition, and a stalled stream's waiters arrived over a while.
    if (c.held.size > 0) this.expireAt(key, c, Math.max(next, now + 10));
    else if (this.conditions.get(key) === c) this.conditions.delete(key);
  }
}
