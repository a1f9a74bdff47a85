import { createLogger, startLocalNats, type LocalNats } from "@tributary/common";
import { loadOriginConfig, Origin } from "@tributary/origin";
import { Edge, loadEdgeConfig } from "../src/index.js";

/** A real single-node cluster for one test file: nats-server, an origin, an edge. */
export interface ClusterFixture {
  nats: LocalNats;
  origin: Origin;
  edge: Edge;
  /** Edge HTTP base URL. */
  base: string;
  /** JSON log lines the edge wrote. */
  edgeLogs: Record<string, unknown>[];
  srtUrl(key: string): string;
  close(): Promise<void>;
}

export async function startCluster(env: Record<string, string>): Promise<ClusterFixture> {
  const nats = await startLocalNats();
  const origin = new Origin(
    loadOriginConfig({ ORIGIN_PORT: "0", NATS_URL: nats.url, X264_PRESET: "ultrafast", ...env }),
    createLogger("origin", process.env.LOG_LEVEL ?? "warn"),
  );
  await origin.start();
  const edgeLogs: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void edgeLogs.push(JSON.parse(line) as Record<string, unknown>) };
  const edge = new Edge(
    loadEdgeConfig({ EDGE_PORT: "0", SRT_PORT: "0", NATS_URL: nats.url, ORIGIN_URL: origin.publicUrl, ...env }),
    createLogger("edge", "info", destination),
  );
  await edge.start();
  return {
    nats,
    origin,
    edge,
    base: edge.url,
    edgeLogs,
    srtUrl: (key) => `srt://127.0.0.1:${edge.srtPort}?streamid=${key}`,
    close: async () => {
      await edge.close();
      await origin.close();
      await nats.close();
    },
  };
}
