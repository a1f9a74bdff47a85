import { createLogger, startLocalNats, type LocalNats } from "@tributary/common";
import { Edge, loadEdgeConfig } from "@tributary/edge";
import { loadOriginConfig, Origin } from "@tributary/origin";

/**
 * A single-node cluster in this process, the way the integration tests start one: a local
 * `nats-server -js`, an origin and an edge (from their built packages). In process, because
 * the benchmark listens to their per-stage events (`LiveStream` input/output/part,
 * `Edge` partListed).
 */
export interface LatencyCluster {
  nats: LocalNats;
  origin: Origin;
  edge: Edge;
  /** The publisher's SRT URL; libsrt in FFmpeg takes the latency in microseconds. */
  srtUrl(key: string, latencyMs: number): string;
  close(): Promise<void>;
}

export async function startLatencyCluster(env: Record<string, string>): Promise<LatencyCluster> {
  const nats = await startLocalNats();
  let origin: Origin | undefined;
  let edge: Edge | undefined;
  try {
    origin = new Origin(loadOriginConfig({ ORIGIN_PORT: "0", NATS_URL: nats.url, ...env }), createLogger("origin", process.env.LOG_LEVEL ?? "warn"));
    await origin.start();
    edge = new Edge(
      // One mediasoup worker: the browser broadcaster's WHIP, one publisher at a time.
      loadEdgeConfig({ EDGE_PORT: "0", SRT_PORT: "0", MEDIASOUP_WORKERS: "1", WEBRTC_LISTEN_IP: "127.0.0.1", NATS_URL: nats.url, ORIGIN_URL: origin.publicUrl, ...env }),
      createLogger("edge", process.env.LOG_LEVEL ?? "warn"),
    );
    await edge.start();
  } catch (error) {
    await edge?.close();
    await origin?.close();
    await nats.close();
    throw error;
  }
  const started = { origin, edge };
  return {
    nats,
    ...started,
    srtUrl: (key, latencyMs) => `srt://127.0.0.1:${started.edge.srtPort}?streamid=${key}&latency=${latencyMs * 1000}`,
    close: async () => {
      await started.edge.close();
      await started.origin.close();
      await nats.close();
    },
  };
}
