import { connect } from "@nats-io/transport-node";
import { subjects } from "@tributary/common";
import { partKey } from "./playlist.js";

/** When a part was published: the origin's part manifest, as much of it as latency needs. */
export interface PartPublished {
  rendition: string;
  msn: number;
  part: number;
  /** Wall-clock ms when the packager closed the part. */
  closedAt: number;
}

/**
 * Publish times of recent parts by key (`rendition/msn.part`), and the samples that arrived
 * before their manifest: those are settled when it comes, or counted unmatched after
 * `graceMs`. Bounded: only the newest `keep` parts are remembered.
 */
export class PublishTimes {
  private readonly closedAt = new Map<string, number>();
  private readonly early = new Map<string, number[]>();
  private earlyOldest = Number.POSITIVE_INFINITY;

  constructor(
    private readonly settle: (latencyMs: number, key: string) => void,
    private readonly unmatched: (n: number) => void,
    private readonly keep = 4_000,
    private readonly graceMs = 5_000,
  ) {}

  published(m: PartPublished): void {
    const key = partKey(m.rendition, m);
    this.closedAt.set(key, m.closedAt);
    if (this.closedAt.size > this.keep) this.closedAt.delete(this.closedAt.keys().next().value!);
    const waiting = this.early.get(key);
    if (waiting) {
      this.early.delete(key);
      for (const at of waiting) this.settle(at - m.closedAt, key);
    }
  }

  get(key: string): number | undefined {
    return this.closedAt.get(key);
  }

  /** A viewer had the part's bytes at `at`. */
  received(key: string, at: number): void {
    const closedAt = this.closedAt.get(key);
    if (closedAt !== undefined) return this.settle(at - closedAt, key);
    let waiting = this.early.get(key);
    if (!waiting) this.early.set(key, (waiting = []));
    waiting.push(at);
    this.earlyOldest = Math.min(this.earlyOldest, at);
    if (at - this.earlyOldest > this.graceMs) this.expire(at);
  }

  /** Counts samples whose manifest never came as unmatched. */
  expire(now: number): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const [key, waiting] of this.early) {
      const first = waiting[0]!;
      if (now - first > this.graceMs) {
        this.early.delete(key);
        this.unmatched(waiting.length);
      } else oldest = Math.min(oldest, first);
    }
    this.earlyOldest = oldest;
  }

  /** Drops everything waiting (end of a run), counting it unmatched. */
  flush(): void {
    for (const waiting of this.early.values()) this.unmatched(waiting.length);
    this.early.clear();
    this.earlyOldest = Number.POSITIVE_INFINITY;
  }
}

/** A core NATS subscription to the part manifests of some renditions of one stream. */
export interface ManifestFeed {
  close(): Promise<void>;
}

/**
 * Subscribes to `media.parts.{stream}.{rendition}` (core NATS: the live messages, no
 * JetStream consumer) and hands each manifest's timing to `onPart`.
 */
export async function subscribeManifests(
  natsUrl: string,
  stream: string,
  renditions: string[],
  onPart: (m: PartPublished) => void,
): Promise<ManifestFeed> {
  const nc = await connect({ servers: natsUrl, name: "tributary-bench-loadgen" });
  for (const rendition of new Set(renditions)) {
    nc.subscribe(subjects.part(stream, rendition), {
      callback: (error, msg) => {
        if (error) return;
        const m = msg.json<Partial<PartPublished>>();
        if (typeof m.msn === "number" && typeof m.part === "number" && typeof m.closedAt === "number" && typeof m.rendition === "string") {
          onPart({ rendition: m.rendition, msn: m.msn, part: m.part, closedAt: m.closedAt });
        }
      },
    });
  }
  await nc.flush();
  return { close: () => nc.drain() };
}
