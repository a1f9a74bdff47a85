import {
  deliveryRoutes,
  errorHandler,
  LiveDelivery,
  notFoundHandler,
  publicReadCors,
  type DeliverySource,
  type Logger,
} from "@tributary/common";
import { getRequestListener } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono, type Context } from "hono";
import type { FollowerRegistry } from "../follow/follower-registry.js";
import type { EdgeMetrics } from "../metrics.js";
import type { WhipPublishers } from "../whip/whip-publishers.js";
import { whipRoutes } from "../whip/whip-routes.js";
import { EdgeServer } from "./edge-server.js";
import { HotRoutes } from "./hot-routes.js";
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
  /** The host of requests that name none (the address the server listens on). */
  hostname: string;
  keepAliveMs: number;
}

/**
 * The edge's HTTP server: LL-HLS media playlists and parts answered by HotRoutes (without
 * Hono), everything else, and those requests' unusual forms, by edgeApp.
 */
export function edgeServer(registry: FollowerRegistry, metrics: EdgeMetrics, options: EdgeAppOptions, log: Logger): EdgeServer {
  const source: DeliverySource = { stream: (name) => registry.stream(name) };
  const viewers = new ViewerCount();
  const app = edgeApp(registry, source, viewers, metrics, options, log);
  const hot = new HotRoutes(new LiveDelivery(source, options.segmentTargetMs), viewers, log);
  const others = getRequestListener(app.fetch, { hostname: options.hostname });
  return new EdgeServer(hot, (req, res) => void others(req, res), options.keepAliveMs);
}

/** Pages, `/live/*` (LL-HLS), `/whip/*`, `/api/streams`, `/metrics`, `/healthz`. */
function edgeApp(registry: FollowerRegistry, source: DeliverySource, viewers: ViewerCount, metrics: EdgeMetrics, options: EdgeAppOptions, log: Logger): Hono {
  const app = new Hono();
  const onMediaPlaylist = (stream: string, c: Context) => viewers.saw(stream, getConnInfo(c).remote.address ?? "unknown");
  app.use("/live/*", publicReadCors);
  app.route("/live", deliveryRoutes(source, { ...options, onMediaPlaylist }));
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
