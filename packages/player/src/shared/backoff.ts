/** Retry schedule: exponential growth from `initialMs`, capped at `maxMs`, with jitter. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt (2 doubles the delay). */
  factor: number;
  /**
   * Fraction of the delay that is randomised (0.2: the delay lies in ±20 %), so that
   * many viewers of one stream do not retry in lock-step after an edge restart.
   */
  jitter: number;
}

/** Waiting for a stream that is not live yet: checks often enough to start promptly. */
export const OFFLINE_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 5000, factor: 2, jitter: 0.2 };

/** Re-attaching to a stream that was playing: first retry almost at once. */
export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 5000, factor: 2, jitter: 0.2 };

/** After the stream ended: look now and then for a new broadcast under the same name. */
export const ENDED_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 30_000, factor: 1.5, jitter: 0.2 };

/** Polling the stream list; grows only while requests fail. */
export const LIST_BACKOFF: BackoffPolicy = { initialMs: 3000, maxMs: 30_000, factor: 2, jitter: 0.1 };

/**
 * Delay before retry number `attempt` (0 = first retry). `random` returns a number in
 * [0, 1) and is injectable for tests.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.max(0, Math.floor(attempt));
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** step);
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}
