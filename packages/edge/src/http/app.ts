import { deliveryRoutes, errorHandler, notFoundHandler, publicReadCors, type Logger } from "@tributary/common";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono, type Context } from "hono";
import type { FollowerRegistry } from "../follow/follower-registry.js";
import type { EdgeMetrics } from "../metrics.js";
import type { WhipPublishers } from "../whip/whip-publishers.js";
import { whipRoutes } from "../whip/whip-routes.js";
import { pageRoutes } from "./pages.js";
import { ViewerCount } from "./viewer-count.js";

export interface EdgeAppOptions {
  /** Segment target used for hold timeouts until a stream tells its own. */
  segmentTargetMs: number;
  playerDir: string;
  /** Streams with a publisher on this edge, for the stream list. */
  publishers: () => { stream: string; bitrateBps: number }[];
  /** WHIP ingest, when this edge takes browser publishers. */
  whip: { publishers: WhipPublishers; keys: { key: string; stream: string }[] } | undefined;
}

/** The edge's HTTP surface: pages, `/live/*` (LL-HLS), `/whip/*`, `/api/streams`, `/metrics`, `/healthz`. */
export function edgeApp(registry: FollowerRegistry, metrics: EdgeMetrics, options: EdgeAppOptions, log: Logger): Hono {
  const app = new Hono();
  const viewers = new ViewerCount();
  const onMediaPlaylist = (stream: string, c: Context) => viewers.saw(stream, getConnInfo(c).remote.address ?? "unknown");
  app.use("/live/*", publicReadCors);
  app.route("/live", deliveryRoutes({ stream: (name) => registry.stream(name) }, { ...options, onMediaPlaylist }));
  if (options.whip) app.route("/whip", whipRoutes(options.whip.publishers, options.whip.keys, metrics));
  app.get("/api/streams", (c) => {
    const ingest = new Map(options.publishers().map((p) => [p.stream, p]));
    const streams = registry
      .list()
      .sort((a, b) => a.stream.localeCompare(b.stream))
      .map((s) => ({
        name: s.stream,
        state: s.state,
        renditions: s.renditions,
        startedAt: new Date(s.startedAt).toISOString(),
        viewers: viewers.count(s.stream),
        publishedHere: ingest.has(s.stream),
        ingestBitrateBps: ingest.get(s.stream)?.bitrateBps,
      }));
    return c.json({ streams });
  });
  app.get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType }));
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.route("/", pageRoutes(options.playerDir));
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  return app;
}
