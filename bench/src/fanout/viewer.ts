import { once } from "node:events";
import { Pool, errors as undiciErrors } from "undici";
import type { Readable } from "node:stream";
import { PublishTimes, type PartPublished } from "./manifests.js";
import { nextPart, partKey, partName, partTargetMs, partsFrom, preloadHint, type PartRef } from "./playlist.js";
import { LatencyHistogram, emptyCounts, nowMs, type HistogramData, type ViewerCounts } from "./stats.js";

/**
 * How a viewer follows a live playlist:
 * - `llhls`: blocking playlist reloads (`_HLS_msn`/`_HLS_part` for the next part, RFC 8216bis
 *   §6.2.5.2), then the part(s) the answer lists, one request outstanding at a time (hls.js in
 *   low-latency mode, minus its preload-hint fetch).
 * - `poll`: no server help (a static server): when the next part is due, reload the playlist
 *   and fetch what is new; when nothing is new yet, poll again an eighth of a part later. Polls
 *   are due an eighth of a part early, so each viewer's polls settle just after parts appear.
 */
export type ViewerMode = "llhls" | "poll";

export interface ViewerGroupOptions {
  /** Media playlist URLs; viewer i follows `urls[(offset + i) % urls.length]`. */
  urls: string[];
  viewers: number;
  /** Index of this group's first viewer among all (spreads renditions across groups). */
  offset: number;
  mode: ViewerMode;
  /** `_HLS_skip=YES` on blocking reloads (delta updates, as hls.js asks when it may). */
  skip: boolean;
  /** Viewers join evenly spread from `startAt` to `startAt + rampMs` (wall-clock ms). */
  startAt: number;
  rampMs: number;
  /** Parts, playlists and latencies count only inside this window (wall-clock ms). */
  measureFrom: number;
  measureUntil: number;
  /** Per-request limit for headers and body. */
  timeoutMs: number;
}

export interface ViewerReport {
  counts: ViewerCounts;
  /** Publish to bytes received, for the parts whose publish time became known (the rest: `counts.unmatched`). */
  latency: HistogramData;
  viewersStarted: number;
  /** Event-loop utilisation of this thread over the window (1 = saturated generator). */
  eventLoopUtilization: number;
}

/** A Readable's bytes counted and dropped. */
async function drain(body: Readable): Promise<number> {
  let n = 0;
  body.on("data", (chunk: Buffer) => (n += chunk.length));
  await once(body, "end");
  return n;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * N simulated viewers in this thread, sharing one keep-alive connection pool per server
 * (one connection per viewer at most: each viewer has its own request outstanding, and a
 * held blocking reload holds its connection, as a real player's does).
 */
export class ViewerGroup {
  readonly counts = emptyCounts();
  readonly latency = new LatencyHistogram();
  readonly times: PublishTimes;
  private readonly pools = new Map<string, Pool>();
  private started = 0;
  private stopped = false;

  constructor(private readonly o: ViewerGroupOptions) {
    this.times = new PublishTimes(
      (ms) => this.latency.add(ms),
      (n) => (this.counts.unmatched += n),
    );
  }

  /** A part manifest reached the generator (from NATS). */
  published(m: PartPublished): void {
    this.times.published(m);
  }

  async run(): Promise<ViewerReport> {
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.o.viewers; i++) {
      const url = new URL(this.o.urls[(this.o.offset + i) % this.o.urls.length]!);
      const startAt = this.o.startAt + (this.o.rampMs * i) / Math.max(1, this.o.viewers);
      loops.push(this.viewer(url, startAt));
    }
    let elu: ReturnType<typeof performance.eventLoopUtilization> | undefined;
    const eluTimer = setTimeout(() => (elu = performance.eventLoopUtilization()), Math.max(0, this.o.measureFrom - Date.now()));
    const eluEnd = new Promise<number>((resolve) =>
      setTimeout(() => resolve(elu ? performance.eventLoopUtilization(elu).utilization : Number.NaN), Math.max(0, this.o.measureUntil - Date.now())),
    );
    // Requests still out at the end are given a few seconds, then their sockets are closed.
    const ended = Promise.all(loops);
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, this.o.measureUntil - Date.now() + this.o.timeoutMs + 1_000)));
    await Promise.race([ended, grace]);
    clearTimeout(graceTimer);
    this.stopped = true;
    clearTimeout(eluTimer);
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
    let lastTimer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((resolve) => (lastTimer = setTimeout(resolve, 1_000)))]);
    clearTimeout(lastTimer);
    this.times.flush();
    return { counts: this.counts, latency: this.latency.toData(), viewersStarted: this.started, eventLoopUtilization: await eluEnd };
  }

  private pool(url: URL): Pool {
    let pool = this.pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: this.o.viewers + 4,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 60_000,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
        connect: { timeout: this.o.timeoutMs },
      });
      this.pools.set(url.origin, pool);
    }
    return pool;
  }

  private inWindow(at: number): boolean {
    return at >= this.o.measureFrom && at < this.o.measureUntil;
  }

  private done(): boolean {
    return this.stopped || Date.now() >= this.o.measureUntil;
  }

  private async getText(pool: Pool, path: string): Promise<string> {
    const { statusCode, body } = await pool.request({ path, method: "GET" });
    if (statusCode < 200 || statusCode > 299) return this.refused(statusCode, path, body);
    const text = await body.text();
    if (this.inWindow(Date.now())) this.counts.playlists += 1;
    return text;
  }

  private async getPart(pool: Pool, dir: string, rendition: string, p: PartRef): Promise<void> {
    const { statusCode, body } = await pool.request({ path: dir + partName(p), method: "GET" });
    if (statusCode < 200 || statusCode > 299) return this.refused(statusCode, dir + partName(p), body);
    const bytes = await drain(body);
    const at = nowMs();
    if (!this.inWindow(at)) return;
    this.counts.parts += 1;
    this.counts.partBytes += bytes;
    this.times.received(partKey(rendition, p), at);
  }

  /** A non-2xx answer: an error (its body logged with FANOUT_DEBUG=1). */
  private async refused(status: number, path: string, body: Readable & { text(): Promise<string> }): Promise<never> {
    const text = await body.text().catch(() => "");
    if (process.env.FANOUT_DEBUG) console.error(`[loadgen] ${status} ${path} ${text.slice(0, 200)}`);
    throw new HttpStatusError(status);
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    if (error instanceof HttpStatusError) {
      this.counts.httpErrors[error.status] = (this.counts.httpErrors[error.status] ?? 0) + 1;
    } else if (
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError
    ) {
      this.counts.timeouts += 1;
    } else {
      this.counts.failures += 1;
    }
  }

  private async viewer(url: URL, startAt: number): Promise<void> {
    await sleep(startAt - Date.now());
    if (this.done()) return;
    this.started += 1;
    const pool = this.pool(url);
    const path = url.pathname;
    const dir = path.slice(0, path.lastIndexOf("/") + 1);
    const rendition = path.split("/").at(-2) ?? "";
    while (!this.done()) {
      try {
        if (this.o.mode === "llhls") await this.followBlocking(pool, path, dir, rendition);
        else await this.followPolling(pool, path, dir, rendition);
        return; // the stream ended
      } catch (error) {
        this.failed(error);
        await sleep(200); // then start over from a plain playlist load
      }
    }
  }

  private async followBlocking(pool: Pool, path: string, dir: string, rendition: string): Promise<void> {
    let text = await this.getText(pool, path);
    let next = preloadHint(text);
    const skip = this.o.skip ? "&_HLS_skip=YES" : "";
    while (next && !this.done()) {
      text = await this.getText(pool, `${path}?_HLS_msn=${next.msn}&_HLS_part=${next.part}${skip}`);
      const parts = partsFrom(text, next);
      for (const p of parts) {
        if (this.done()) return;
        await this.getPart(pool, dir, rendition, p);
      }
      // Nothing from `next` on is listed (the playlist restarted): go on from its hint.
      next = preloadHint(text);
    }
    if (!next && !text.includes("#EXT-X-ENDLIST")) throw new Error("playlist without a preload hint");
  }

  private async followPolling(pool: Pool, path: string, dir: string, rendition: string): Promise<void> {
    let text = await this.getText(pool, path);
    const targetMs = partTargetMs(text) ?? 200;
    const partsPerSegment = Math.max(1, Math.round(1000 / targetMs));
    let next = preloadHint(text) ?? nextPart(partsFrom(text).at(-1) ?? { msn: 0, part: 0 }, partsPerSegment);
    let dueAt = Date.now() + targetMs;
    while (!this.done()) {
      await sleep(dueAt - Date.now());
      if (this.done()) return;
      const sentAt = Date.now();
      text = await this.getText(pool, path);
      const parts = partsFrom(text, next);
      if (parts.length === 0) {
        const hint = preloadHint(text);
        if (!hint && text.includes("#EXT-X-ENDLIST")) return;
        // Not there yet (the hint is still `next`); or the playlist moved on without it (restarted): follow its hint.
        if (hint && (hint.msn !== next.msn || hint.part !== next.part)) next = hint;
        else if (this.inWindow(sentAt)) this.counts.emptyPolls += 1;
        dueAt = sentAt + targetMs / 8;
        continue;
      }
      for (const p of parts) {
        if (this.done()) return;
        await this.getPart(pool, dir, rendition, p);
      }
      next = preloadHint(text) ?? nextPart(parts.at(-1)!, partsPerSegment);
      // A little early, so the phase creeps up on the moment parts appear (an empty poll then
      // puts it just after): a client that polls for low latency, as a static server needs.
      dueAt = sentAt + (targetMs * 7) / 8;
    }
  }
}
