import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The edge's Prometheus metrics, on a registry of its own. */
export class EdgeMetrics {
  readonly registry = new Registry();
  readonly publishers = new Gauge({ name: "tributary_edge_publishers", help: "SRT publishers connected", registers: [this.registry] });
  readonly rejectedPublishers = new Counter({
    name: "tributary_edge_publishers_rejected_total",
    help: "SRT handshakes rejected (bad key, conflict, overload)",
    registers: [this.registry],
  });
  readonly ingestBitrate = new Gauge({
    name: "tributary_edge_ingest_bitrate_bps",
    help: "Bit rate received from each publisher",
    labelNames: ["stream"],
    registers: [this.registry],
  });
  readonly whipSessions = new Gauge({ name: "tributary_edge_whip_sessions", help: "WHIP (browser) publishers connected", registers: [this.registry] });
  readonly whipRejected = new Counter({
    name: "tributary_edge_whip_rejected_total",
    help: "WHIP offers refused, by reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly originFetches = new Counter({ name: "tributary_edge_origin_fetches_total", help: "Requests to origins", registers: [this.registry] });
  readonly originFetchSeconds = new Histogram({
    name: "tributary_edge_origin_fetch_seconds",
    help: "Time to fetch a part from its origin",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly partVisible = new Histogram({
    name: "tributary_edge_part_visible_seconds",
    help: "From the origin closing a part to this edge listing it",
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5],
    registers: [this.registry],
  });
  readonly cacheBytes = new Gauge({ name: "tributary_edge_part_cache_bytes", help: "Bytes in the part cache", registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
