import { LRUCache } from "lru-cache";

/** Bytes fetched from origins, bounded in bytes (LRU), each URL fetched once however many ask. */
export class PartCache {
  private readonly lru: LRUCache<string, Buffer>;
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  /** Requests made to origins (for metrics and the fan-out test). */
  originFetches = 0;

  constructor(
    maxBytes: number,
    private readonly fetchTimeoutMs = 5_000,
    private readonly onFetch: (url: string, ms: number, bytes: number) => void = () => undefined,
  ) {
    this.lru = new LRUCache<string, Buffer>({ maxSize: maxBytes, sizeCalculation: (b) => Math.max(1, b.length) });
  }

  /** The bytes at `url`: from the cache, from a fetch already under way, or fetched now. */
  get(url: string): Promise<Buffer> {
    const cached = this.lru.get(url);
    if (cached) return Promise.resolve(cached);
    let pending = this.inFlight.get(url);
    if (!pending) {
      pending = this.fetch(url).finally(() => this.inFlight.delete(url));
      this.inFlight.set(url, pending);
    }
    return pending;
  }

  /** The bytes at `url` if cached, without fetching. */
  peek(url: string): Buffer | undefined {
    return this.lru.get(url);
  }

  /** Bytes held. Never more than the configured limit. */
  get size(): number {
    return this.lru.calculatedSize;
  }

  get maxSize(): number {
    return this.lru.maxSize;
  }

  private async fetch(url: string): Promise<Buffer> {
    this.originFetches += 1;
    const started = Date.now();
    const response = await fetch(url, { signal: AbortSignal.timeout(this.fetchTimeoutMs) });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`origin answered ${response.status} for ${url}`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    this.onFetch(url, Date.now() - started, bytes.length);
    this.lru.set(url, bytes);
    return bytes;
  }
}
