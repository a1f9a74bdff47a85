import type { Logger } from "@tributary/common";
import { SrtIngest, type IngestEvent } from "@tributary/srt";
import type { EdgeConfig } from "../config.js";
import type { EdgeMetrics } from "../metrics.js";
import { handToOrigin, type OriginClient } from "./origin-client.js";

/** Attempts to hand a publisher to an origin before giving up on it. */
const FORWARD_ATTEMPTS = 5;

/**
 * SRT ingest: one UDP port for every publisher, each authenticated by its streamid at the
 * handshake (the Rust addon rejects unknown keys there), then forwarded to the origin's
 * contribution listener for its stream.
 */
export class SrtPublishers {
  private readonly ingest: SrtIngest;
  private readonly live = new Map<number, { stream: string; startedAt: number; bitrateBps: number }>();
  private closed = false;
  port = 0;

  constructor(
    private readonly config: EdgeConfig["srt"],
    keys: EdgeConfig["streamKeys"],
    private readonly origin: OriginClient,
    private readonly metrics: EdgeMetrics,
    private readonly log: Logger,
  ) {
    this.ingest = new SrtIngest(
      {
        host: config.host,
        port: config.port,
        latencyMs: config.latencyMs,
        passphrase: config.passphrase,
        maxPublishers: config.maxPublishers,
      },
      (event) => this.onEvent(event),
    );
    this.ingest.setStreamKeys(keys);
  }

  async start(): Promise<void> {
    this.port = await this.ingest.start();
    this.log.info({ port: this.port }, "SRT ingest listening");
  }

  /** Streams with a publisher on this edge. */
  publishers(): { stream: string; startedAt: number; bitrateBps: number }[] {
    return [...this.live.values()];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ingest.close();
  }

  private onEvent(event: IngestEvent): void {
    switch (event.type) {
      case "publish":
        this.live.set(event.sessionId, { stream: event.stream, startedAt: Date.now(), bitrateBps: 0 });
        this.metrics.publishers.inc();
        this.log.info({ stream: event.stream, remote: event.remote, session: event.sessionId }, "publish started");
        void this.forward(event.sessionId, event.stream);
        break;
      case "rejected":
        this.metrics.rejectedPublishers.inc();
        this.log.warn({ remote: event.remote, reason: event.reason, streamId: redact(event.streamId) }, "publisher rejected at the SRT handshake");
        break;
      case "stats": {
        const session = this.live.get(event.sessionId);
        if (session) session.bitrateBps = event.bitrateBps;
        this.metrics.ingestBitrate.set({ stream: event.stream }, event.bitrateBps);
        break;
      }
      case "ended":
        if (this.live.delete(event.sessionId)) this.metrics.publishers.dec();
        this.metrics.ingestBitrate.remove({ stream: event.stream });
        this.log.info({ stream: event.stream, reason: event.reason, bytes: event.bytesIn }, "publish stopped");
        break;
      case "forward-error":
        this.log.warn({ stream: event.stream, message: event.message }, "contribution to the origin broke; re-forwarding");
        if (this.live.has(event.sessionId)) void this.forward(event.sessionId, event.stream);
        break;
    }
  }

  /** Asks the origin for a listener and relays the session there, retrying with backoff. */
  private async forward(sessionId: number, stream: string): Promise<void> {
    const { handed } = await handToOrigin(
      this.origin,
      stream,
      (target) => {
        this.ingest.forward(sessionId, { ...target, latencyMs: this.config.latencyMs });
        this.log.info({ stream, origin: `${target.host}:${target.port}` }, "forwarding to origin");
      },
      { attempts: FORWARD_ATTEMPTS, wanted: () => !this.closed && this.live.has(sessionId), log: this.log },
    );
    if (!handed && this.live.has(sessionId)) {
      this.log.error({ stream }, "no origin took the stream; disconnecting the publisher");
      this.ingest.disconnect(sessionId);
    }
  }
}

/** Stream keys are secrets: logs show only their first characters. */
function redact(streamId: string): string {
  return streamId.length > 4 ? `${streamId.slice(0, 4)}…(${streamId.length})` : "…";
}
