import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { jetstream } from "@nats-io/jetstream";
import { createLogger, openNats, type Logger, type NatsHandle, type PartManifest } from "@tributary/common";
import { PartCache } from "./cache/part-cache.js";
import type { EdgeConfig } from "./config.js";
import { FollowerRegistry } from "./follow/follower-registry.js";
import { edgeServer } from "./http/app.js";
import type { EdgeServer } from "./http/edge-server.js";
import { OriginClient } from "./ingest/origin-client.js";
import { SrtPublishers } from "./ingest/srt-publishers.js";
import { EdgeMetrics } from "./metrics.js";
import { WhipPublishers } from "./whip/whip-publishers.js";

/** The player's build output in this checkout, used when PLAYER_DIR is not set. */
const DEFAULT_PLAYER_DIR = fileURLToPath(new URL("../../player/dist", import.meta.url));

export interface EdgeEvents {
  /**
   * A part was listed in this edge's playlists (held blocking reloads are released at once):
   * its manifest reached the edge at `arrivedAt`, it was listed at `listedAt` (wall-clock ms).
   * For latency accounting; `manifest.closedAt` is when the origin closed it.
   */
  partListed: [manifest: PartManifest, arrivedAt: number, listedAt: number];
}

/**
 * A point-of-presence edge: SRT and WHIP ingest forwarded to an origin, and LL-HLS delivery from a
 * cache fed by the origins' part manifests on JetStream. `start()` brings it up; `close()`
 * (idempotent) takes it down.
 */
export class Edge extends EventEmitter<EdgeEvents> {
  readonly metrics = new EdgeMetrics();
  readonly cache: PartCache;
  registry: FollowerRegistry | undefined;
  ingest: SrtPublishers | undefined;
  /** Browser publishers; undefined when MEDIASOUP_WORKERS=0. */
  whip: WhipPublishers | undefined;
  private nats: NatsHandle | undefined;
  private server: EdgeServer | undefined;
  private closing: Promise<void> | undefined;
  url = "";

  constructor(
    readonly config: EdgeConfig,
    readonly log: Logger = createLogger("edge"),
  ) {
    super();
    this.cache = new PartCache(config.partCacheBytes, 5_000, (_url, ms) => {
      this.metrics.originFetches.inc();
      this.metrics.originFetchSeconds.observe(ms / 1000);
      this.metrics.cacheBytes.set(this.cache.size);
    });
  }

  async start(): Promise<void> {
    const c = this.config;
    this.nats = await openNats(c.natsUrl, c.id, this.log);
    this.registry = new FollowerRegistry({
      js: jetstream(this.nats.nc),
      cache: this.cache,
      // A few segments of history (1 s each by default) so a first viewer starts at once.
      backfillMs: c.backfillSegments * 1000,
      windowSegments: c.windowSegments,
      idleMs: c.followIdleMs,
      log: this.log,
      onListed: (manifest, arrivedAt) => {
        const listedAt = Date.now();
        this.metrics.partVisible.observe(Math.max(0, listedAt - manifest.closedAt) / 1000);
        this.emit("partListed", manifest, arrivedAt, listedAt);
      },
    });
    await this.registry.start();
    const origin = new OriginClient(c.originUrl, c.originApiToken);
    const ingest = (this.ingest = new SrtPublishers(c.srt, c.streamKeys, origin, this.metrics, this.log));
    await ingest.start();
    if (c.whip.workers > 0) {
      const publishedBySrt = (stream: string) => ingest.publishers().some((p) => p.stream === stream);
      this.whip = new WhipPublishers({ ...c.whip, srtLatencyMs: c.srt.latencyMs }, origin, publishedBySrt, this.metrics, this.log);
      await this.whip.start();
    }
    const whip = this.whip;
    this.server = edgeServer(
      this.registry,
      this.metrics,
      {
        segmentTargetMs: 1000,
        playerDir: c.playerDir ?? DEFAULT_PLAYER_DIR,
        publishers: () => [...ingest.publishers(), ...(whip?.publishers() ?? [])],
        whip: whip && { publishers: whip, keys: c.streamKeys },
        hostname: c.host,
        // Keep-alive connections outlive a blocking reload's hold (3 target durations).
        keepAliveMs: 10_000,
      },
      this.log,
    );
    await this.server.listen(c.port, c.host);
    this.url = `http://${c.host}:${this.server.address().port}`;
    this.log.info({ url: this.url, srtPort: this.ingest.port, nats: this.nats.url }, "edge listening");
  }

  /** The SRT port publishers use (known once started). */
  get srtPort(): number {
    return this.ingest?.port ?? 0;
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await this.whip?.close();
      await this.ingest?.close();
      await this.server?.close();
      await this.registry?.close();
      await this.nats?.close();
      this.log.info("edge closed");
    })());
  }
}
