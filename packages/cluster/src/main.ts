import { randomBytes } from "node:crypto";
import { ConfigError, createLogger, startLocalNats, type LocalNats } from "@tributary/common";
import { Edge, loadEdgeConfig } from "@tributary/edge";
import { loadOriginConfig, Origin } from "@tributary/origin";
import { DemoPublisher } from "./demo-publisher.js";

/**
 * `npm start`: a whole single-node cluster in one process — a local `nats-server -js`
 * (unless NATS_URL is set), one origin, one edge (HTTP 127.0.0.1:8080, SRT 9000) and the
 * `demo` stream published to the edge over SRT. Ctrl-C stops everything.
 */
const log = createLogger("cluster");
const demoKey = `demo-${randomBytes(6).toString("hex")}`;
const ownKey = `live-${randomBytes(6).toString("hex")}`;
const env = { ...process.env };
env.STREAM_KEYS ||= `${demoKey}=demo,${ownKey}=mystream`;

let nats: LocalNats | undefined;
let origin: Origin;
let edge: Edge;
try {
  const originConfig = loadOriginConfig(env);
  const edgeConfig = loadEdgeConfig(env);
  nats = originConfig.natsUrl ? undefined : await startLocalNats({ port: 4222 }).catch(() => startLocalNats());
  const natsUrl = originConfig.natsUrl ?? nats!.url;
  origin = new Origin({ ...originConfig, natsUrl }, createLogger("origin"));
  await origin.start();
  edge = new Edge({ ...edgeConfig, natsUrl, originUrl: origin.publicUrl }, createLogger("edge"));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
await edge.start();

const srtHost = edge.config.srt.host === "0.0.0.0" ? "127.0.0.1" : edge.config.srt.host;
const publishUrl = (key: string) => `srt://${srtHost}:${edge.srtPort}?streamid=${key}`;
const demo = env.STREAM_KEYS.includes(`${demoKey}=demo`) ? new DemoPublisher(publishUrl(demoKey), log) : undefined;
demo?.start();

console.log(
  `\nTributary is running (single node).` +
    (demo ? `\n  watch the demo:     ${edge.url}/watch/demo` : "") +
    `\n  all streams:        ${edge.url}/` +
    (env.STREAM_KEYS.includes(`${ownKey}=mystream`)
      ? `\n  publish your own:   ffmpeg -re -i input.mp4 -c:v libx264 -tune zerolatency -c:a aac -f mpegts "${publishUrl(ownKey)}"` +
        `\n                      (OBS: Server ${publishUrl(ownKey)}), then ${edge.url}/watch/mystream`
      : "") +
    `\n  Ctrl-C stops everything.\n`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    void (async () => {
      await demo?.close();
      await edge.close();
      await origin.close();
      await nats?.close();
      process.exit(0);
    })();
  });
}
