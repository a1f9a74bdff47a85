/**
 * Part visibility: the time from the packager closing a part at the origin (its manifest's
 * `closedAt`) to the edge releasing a blocking playlist reload that advertises it, seen by a
 * client on loopback. One probe client per rendition keeps a blocking reload parked for the
 * next part at all times; a sample counts only when its request was sent before the part
 * closed (so it certainly waited at the edge and measures the release, not a fresh request).
 */
import { Client } from "undici";
import type { PartPublished } from "./manifests.js";
import { partKey, partsFrom, preloadHint, type PartRef } from "./playlist.js";
import { LatencyHistogram, nowMs } from "./stats.js";

interface Sample {
  key: string;
  sentAt: number;
  at: number;
}

export interface VisibilityWindow {
  histogram: LatencyHistogram;
  /** Reloads that returned the part they asked for but were sent after it closed (not counted). */
  notParked: number;
  /** Samples whose manifest never arrived (not counted). */
  unmatched: number;
  errors: number;
}

/** Follows renditions of one stream on a server with blocking reloads; read results with `take()`. */
export class VisibilityProbe {
  private readonly closedAt = new Map<string, number>();
  private samples: Sample[] = [];
  private errors = 0;
  private running = true;
  private readonly clients: Client[] = [];
  private readonly loops: Promise<void>[] = [];

  /** `playlists`: media playlist URLs, one per rendition. */
  constructor(private readonly playlists: string[]) {}

  start(): void {
    for (const url of this.playlists) this.loops.push(this.follow(new URL(url)));
  }

  published(m: PartPublished): void {
    this.closedAt.set(partKey(m.rendition, m), m.closedAt);
    if (this.closedAt.size > 4_000) this.closedAt.delete(this.closedAt.keys().next().value!);
  }

  /** The samples since the last call (those still waiting for their manifest stay for the next). */
  take(): VisibilityWindow {
    const histogram = new LatencyHistogram();
    let notParked = 0;
    let unmatched = 0;
    const now = nowMs();
    const keep: Sample[] = [];
    for (const s of this.samples) {
      const closedAt = this.closedAt.get(s.key);
      if (closedAt === undefined) {
        if (now - s.at < 5_000) keep.push(s);
        else unmatched += 1;
      } else if (s.sentAt < closedAt) histogram.add(s.at - closedAt);
      else notParked += 1;
    }
    this.samples = keep;
    const errors = this.errors;
    this.errors = 0;
    return { histogram, notParked, unmatched, errors };
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients.map((c) => c.destroy()));
    await Promise.all(this.loops);
  }

  private async follow(url: URL): Promise<void> {
    const client = new Client(url.origin, { keepAliveTimeout: 60_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
    this.clients.push(client);
    const path = url.pathname;
    const rendition = path.split("/").at(-2) ?? "";
    const get = async (query: string): Promise<string> => {
      const { statusCode, body } = await client.request({ path: path + query, method: "GET" });
      const text = await body.text();
      if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
      return text;
    };
    while (this.running) {
      try {
        let next: PartRef | undefined = preloadHint(await get(""));
        while (next && this.running) {
          const sentAt = nowMs();
          const text = await get(`?_HLS_msn=${next.msn}&_HLS_part=${next.part}&_HLS_skip=YES`);
          const at = nowMs();
          if (partsFrom(text, next).length > 0) this.samples.push({ key: partKey(rendition, next), sentAt, at });
          next = preloadHint(text);
        }
        if (!next) await new Promise((resolve) => setTimeout(resolve, 200));
      } catch {
        if (!this.running) return;
        this.errors += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
