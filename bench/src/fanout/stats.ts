/**
 * Latency histograms and counters the load generator keeps per thread and merges: a
 * histogram is a plain array of counts, so it crosses `postMessage` as it is.
 */

/** Bucket width of a latency histogram, ms. */
const BUCKET_MS = 0.1;
/** Latencies at or above this land in the last bucket (and are reported as this value). */
const MAX_MS = 30_000;
const BUCKETS = Math.ceil(MAX_MS / BUCKET_MS) + 1;

/** Counts of latencies in 0.1 ms buckets from 0 to 30 s; negative values count as 0. */
export class LatencyHistogram {
  readonly counts: Uint32Array;
  count = 0;
  sum = 0;
  max = 0;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(BUCKETS);
  }

  add(ms: number): void {
    const v = Math.max(0, ms);
    this.counts[Math.min(BUCKETS - 1, Math.floor(v / BUCKET_MS))]! += 1;
    this.count += 1;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  merge(other: HistogramData): void {
    const counts = other.counts;
    for (let i = 0; i < counts.length; i++) if (counts[i]) this.counts[i]! += counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  /** The q-quantile (0..1), to the bucket's upper edge; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, (i + 1) * BUCKET_MS);
    }
    return this.max;
  }

  get mean(): number {
    return this.count ? this.sum / this.count : Number.NaN;
  }

  toData(): HistogramData {
    return { counts: this.counts, count: this.count, sum: this.sum, max: this.max };
  }

  static from(data: HistogramData): LatencyHistogram {
    const h = new LatencyHistogram();
    h.merge(data);
    return h;
  }
}

/** A histogram as it travels between threads. */
export interface HistogramData {
  counts: Uint32Array;
  count: number;
  sum: number;
  max: number;
}

/** What a group of viewers counted during the measured window. */
export interface ViewerCounts {
  /** Parts whose bytes a viewer received in full. */
  parts: number;
  /** Bytes of those parts. */
  partBytes: number;
  /** Playlist responses (blocking reloads or polls), 2xx. */
  playlists: number;
  /** Polls that did not yet list the next part (polling mode only). */
  emptyPolls: number;
  /** Non-2xx responses, by status. */
  httpErrors: Record<string, number>;
  /** Requests that timed out. */
  timeouts: number;
  /** Connection errors and other failures. */
  failures: number;
  /** Parts received whose publish time never became known (no manifest seen). */
  unmatched: number;
}

export function emptyCounts(): ViewerCounts {
  return { parts: 0, partBytes: 0, playlists: 0, emptyPolls: 0, httpErrors: {}, timeouts: 0, failures: 0, unmatched: 0 };
}

export function addCounts(into: ViewerCounts, other: ViewerCounts): void {
  into.parts += other.parts;
  into.partBytes += other.partBytes;
  into.playlists += other.playlists;
  into.emptyPolls += other.emptyPolls;
  for (const [status, n] of Object.entries(other.httpErrors)) into.httpErrors[status] = (into.httpErrors[status] ?? 0) + n;
  into.timeouts += other.timeouts;
  into.failures += other.failures;
  into.unmatched += other.unmatched;
}

/** Every error of any kind. */
export function errorCount(c: ViewerCounts): number {
  return Object.values(c.httpErrors).reduce((a, b) => a + b, 0) + c.timeouts + c.failures;
}

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with `Date.now()`). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
