import { jetstream, jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { headers } from "@nats-io/transport-node";
import {
  mediaStreamConfig,
  subjects,
  type Logger,
  type MediaStreamLimits,
  type PartManifest,
  type StreamStatus,
} from "@tributary/common";

/**
 * Publishes part manifests and stream status to JetStream. Publishing never blocks
 * packaging: acks are awaited in the background and failures are counted and logged.
 */
export class PartPublisher {
  private readonly js: JetStreamClient;
  private inFlight = new Set<Promise<unknown>>();
  failures = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly log: Logger,
    private readonly onAck: (manifest: PartManifest, ackMs: number) => void = () => undefined,
  ) {
    this.js = jetstream(nc);
  }

  /** Creates the MEDIA stream, or brings its limits up to date: safe to call from every origin. */
  async ensureStream(limits: MediaStreamLimits): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    const config = mediaStreamConfig(limits);
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another origin created it between our info and add: that is the same outcome.
        if (!/already in use/i.test(String(addError))) throw addError;
      }
    }
  }

  publishPart(manifest: PartManifest): void {
    const h = headers();
    h.set("Nats-Msg-Id", `${manifest.stream}.${manifest.rendition}.${manifest.msn}.${manifest.part}`);
    const started = Date.now();
    this.track(
      this.js.publish(subjects.part(manifest.stream, manifest.rendition), JSON.stringify(manifest), { headers: h }).then(
        () => this.onAck(manifest, Date.now() - started),
        (error: unknown) => {
          this.failures += 1;
          this.log.error({ err: error, stream: manifest.stream, msn: manifest.msn }, "part manifest publish failed");
        },
      ),
    );
  }

  publishStatus(status: StreamStatus): void {
    this.track(
      this.js.publish(subjects.status(status.stream), JSON.stringify(status)).catch((error: unknown) => {
        this.failures += 1;
        this.log.error({ err: error, stream: status.stream }, "stream status publish failed");
      }),
    );
  }

  /** Waits for every publish in flight (shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }
}

function isStreamNotFound(error: unknown): boolean {
  return /stream not found/i.test(String(error));
}
