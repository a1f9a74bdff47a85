import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The origin's Prometheus metrics, on a registry of its own (no module-level state). */
export class OriginMetrics {
  readonly registry = new Registry();
  readonly partsPublished = new Counter({
    name: "tributary_origin_parts_published_total",
    help: "Parts packaged and announced on JetStream",
    labelNames: ["stream", "rendition"],
    registers: [this.registry],
  });
  readonly publishAck = new Histogram({
    name: "tributary_origin_manifest_ack_seconds",
    help: "Time from publishing a part manifest to its JetStream ack",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly transcoderRestarts = new Counter({
    name: "tributary_origin_transcoder_restarts_total",
    help: "Transcoder processes restarted after dying while their contribution was live",
    labelNames: ["stream"],
    registers: [this.registry],
  });
  readonly liveStreams = new Gauge({
    name: "tributary_origin_live_streams",
    help: "Streams with a contribution or waiting for their publisher to return",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
