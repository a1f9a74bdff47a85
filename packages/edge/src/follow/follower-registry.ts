import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from "@nats-io/jetstream";
import { MEDIA_STREAM, streamStatus, subjects, type Logger, type PartManifest, type StreamStatus } from "@tributary/common";
import type { PartCache } from "../cache/part-cache.js";
import { StreamFollower } from "./stream-follower.js";

export interface FollowerRegistryOptions {
  js: JetStreamClient;
  cache: PartCache;
  backfillMs: number;
  windowSegments: number;
  idleMs: number;
  log: Logger;
  onListed?: (manifest: PartManifest, arrivedAt: number) => void;
}

/**
 * The streams this edge knows (from their status on JetStream) and follows (those with
 * viewers). Only streams an origin announced get a follower, so a request for a made-up
 * name costs nothing; a follower nobody used for `idleMs` is unsubscribed.
 */
export class FollowerRegistry {
  private readonly statuses = new Map<string, StreamStatus>();
  /** Followers by stream: a promise while starting, then the follower itself. */
  private readonly followers = new Map<string, StreamFollower | Promise<StreamFollower>>();
  private statusMessages: ConsumerMessages | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly o: FollowerRegistryOptions) {}

  async start(): Promise<void> {
    // The latest status of every stream first, then changes as they happen.
    const consumer = await this.o.js.consumers.get(MEDIA_STREAM, {
      filter_subjects: subjects.allStatus,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    this.statusMessages = await consumer.consume();
    void this.consumeStatus(this.statusMessages);
    this.sweep = setInterval(() => void this.closeIdle(), Math.max(500, this.o.idleMs / 2));
  }

  /** Known streams with their latest status. */
  list(): StreamStatus[] {
    return [...this.statuses.values()];
  }

  /**
   * The follower of a known stream, started on first use; undefined for unknown streams. No
   * promise once started: every viewer request asks.
   */
  stream(name: string): StreamFollower | undefined | Promise<StreamFollower> {
    if (!this.statuses.has(name)) return undefined;
    let follower = this.followers.get(name);
    if (!follower) follower = this.startFollower(name);
    if (follower instanceof Promise) {
      return follower.then((started) => {
        started.lastUsed = Date.now();
        return started;
      });
    }
    follower.lastUsed = Date.now();
    return follower;
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    await this.statusMessages?.close();
    const all = [...this.followers.values()];
    this.followers.clear();
    await Promise.all(all.map(async (f) => (await f).close()));
  }

  private startFollower(name: string): Promise<StreamFollower> {
    const starting: Promise<StreamFollower> = this.newFollower(name).then((follower) => {
      // The follower itself replaces its promise, unless that was dropped meanwhile.
      if (this.followers.get(name) === starting) this.followers.set(name, follower);
      return follower;
    });
    this.followers.set(name, starting);
    return starting;
  }

  private async newFollower(name: string): Promise<StreamFollower> {
    const follower = new StreamFollower({
      name,
      js: this.o.js,
      cache: this.o.cache,
      backfillMs: this.o.backfillMs,
      windowSegments: this.o.windowSegments,
      log: this.o.log.child({ stream: name }),
      onListed: this.o.onListed,
    });
    try {
      await follower.start();
    } catch (error) {
      this.followers.delete(name);
      throw error;
    }
    if (this.statuses.get(name)?.state === "ended") follower.end();
    this.o.log.info({ stream: name }, "following stream");
    return follower;
  }

  private async consumeStatus(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      const parsed = streamStatus.safeParse(m.json());
      if (!parsed.success) {
        this.o.log.warn({ subject: m.subject }, "ignoring a malformed stream status");
        continue;
      }
      const status = parsed.data;
      const previous = this.statuses.get(status.stream);
      if (previous && previous.at > status.at) continue;
      this.statuses.set(status.stream, status);
      const follower = this.followers.get(status.stream);
      if (!follower) continue;
      if (status.state === "ended") (await follower).end();
      else if ((await follower).ended) {
        // The name is live again after it ended: the next request starts a fresh follower.
        this.followers.delete(status.stream);
        await (await follower).close();
      }
    }
  }

  private async closeIdle(): Promise<void> {
    const now = Date.now();
    for (const [name, pending] of this.followers) {
      const follower = await pending;
      if (now - follower.lastUsed < this.o.idleMs || follower.waiters.size > 0) continue;
      this.followers.delete(name);
      await follower.close();
      this.o.log.info({ stream: name }, "stopped following idle stream");
    }
  }
}
