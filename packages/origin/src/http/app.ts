import { deliveryRoutes, errorHandler, notFoundHandler, publicReadCors, type Logger } from "@tributary/common";
import { Hono } from "hono";
import type { OriginMetrics } from "../metrics.js";
import type { StreamRegistry } from "../stream/stream-registry.js";
import { controlRoutes, type ControlRouteOptions } from "./control-routes.js";

export interface AppOptions extends ControlRouteOptions {
  segmentTargetMs: number;
}

/** The origin's HTTP surface: `/live/*` (LL-HLS), `/api/v1/*` (control), `/metrics`, `/healthz`. */
export function originApp(registry: StreamRegistry, metrics: OriginMetrics, options: AppOptions, log: Logger): Hono {
  const app = new Hono();
  app.use("/live/*", publicReadCors);
  app.route("/live", deliveryRoutes({ stream: (name) => registry.get(name) }, options));
  app.route("/api/v1", controlRoutes(registry, options));
  app.get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType }));
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler);
  return app;
}
