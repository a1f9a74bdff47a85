import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createLogger, openNats, type Logger, type NatsHandle, type PartManifest } from "@tributary/common";
import type { OriginConfig } from "./config.js";
import { fileSource, testPattern } from "./contribution/sources.js";
import { originApp } from "./http/app.js";
import { OriginMetrics } from "./metrics.js";

import { PartPublisher } from "./nats/part-publisher.js";
import type { LiveStream } from "./stream/live-stream.js";
import { StreamRegistry } from "./stream/stream-registry.js";

/** How often a live stream's status is re-announced (well inside the JetStream age limit). */
const STATUS_HEARTBEAT_MS = 5_000;

/**
 * The origin service: contribution intake, transcoding, packaging, the part server and
 * manifest publishing. `start()` brings it up; `close()` (idempotent) ends every stream
 * and takes it down.
 */
export class Origin {
  readonly log: Logger;
  readonly metrics = new OriginMetrics();
  readonly registry: StreamRegistry;
  private nats: NatsHandle | undefined;
  private publisher: PartPublisher | undefined;
  private server: Server | undefined;
  private closing: Promise<void> | undefined;
  /** Base URL edges fetch parts from; known once listening. */
  publicUrl = "";

  constructor(
    readonly config: OriginConfig,
    log: Logger = createLogger("origin"),
  ) {
    this.log = log;
    this.registry = new StreamRegistry(config, this.log, (stream) => this.wire(stream));
  }

  async start(): Promise<void> {
    const c = this.config;
    this.nats = await openNats(c.natsUrl, c.id, this.log);
    this.publisher = new PartPublisher(this.nats.nc, this.log, (_m, ms) => this.metrics.publishAck.observe(ms / 1000));
    await this.publisher.ensureStream(c.jetstream);
    const app = originApp(
      this.registry,
      this.metrics,
      { segmentTargetMs: c.segmentTargetMs, contributionHost: c.contributionHost, apiToken: c.apiToken },
      this.log,
    );
    this.server = await new Promise<Server>((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: c.host, port: c.port }, () => resolve(server as Server));
    });
    const port = (this.server.address() as AddressInfo).port;
    this.publicUrl = c.publicUrl ?? `http://${c.host}:${port}`;
    this.log.info({ url: this.publicUrl, nats: this.nats.url }, "origin listening");
    if (c.testStream) {
      const source = c.testStreamFile ? fileSource(c.testStreamFile) : testPattern({ width: 1280, height: 720, frameRate: 30 });
      this.registry.open(c.testStream, source);
    }
  }

  /** URL of the NATS server in use (a local one when none was configured). */
  get natsUrl(): string | undefined {
    return this.nats?.url;
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await this.registry.closeAll();
      await this.publisher?.drain();
      await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      this.server?.closeAllConnections();
      await this.nats?.close();
      this.log.info("origin closed");
    })());
  }

  /** Announces a stream's parts and lifecycle on JetStream. */
  private wire(stream: LiveStream): void {
    const base = `/live/${stream.name}`;
    const status = (state: "live" | "ended") =>
      this.publisher?.publishStatus({
        stream: stream.name,
        state,
        renditions: stream.renditions.map((r) => r.name),
        origin: this.publicUrl,
        startedAt: stream.startedAt,
        at: Date.now(),
      });
    this.metrics.liveStreams.inc();
    stream.on("live", () => status("live"));
    // JetStream keeps statuses for JETSTREAM_MAX_AGE_S: repeat them so a new edge learns of
    // streams that went live long ago.
    const heartbeat = setInterval(() => status("live"), STATUS_HEARTBEAT_MS);
    stream.once("ended", () => {
      clearInterval(heartbeat);
      this.metrics.liveStreams.dec();
      status("ended");
    });
    stream.on("part", (rendition, part) => {
      const path = (uri: string) => `${base}/${rendition.name}/${uri}`;
      const manifest: PartManifest = {
        stream: stream.name,
        rendition: rendition.name,
        msn: part.msn,
        part: part.part,
        duration: part.duration,
        independent: part.independent,
        size: part.bytes.length,
        uri: path(part.uri),
        segmentUri: path(part.segmentUri),
        mapUri: path(part.mapUri),
        programDateTime: new Date(part.programDateTimeMs).toISOString(),
        discontinuity: part.discontinuity,
        segmentEnd: part.segmentDuration !== undefined,
        segmentDuration: part.segmentDuration,
        partTargetMs: this.config.partTargetMs,
        segmentTargetMs: this.config.segmentTargetMs,
        origin: this.publicUrl,
        closedAt: Date.now(),
      };
      this.publisher?.publishPart(manifest);
      this.metrics.partsPublished.inc({ stream: stream.name, rendition: rendition.name });
    });
    stream.on("restart", () => this.metrics.transcoderRestarts.inc({ stream: stream.name }));
  }
}
