import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { HttpError, type Logger } from "@tributary/common";
import type { Producer, Router, WebRtcTransport } from "mediasoup/types";
import { handToOrigin, OriginRefused, type OriginClient } from "../ingest/origin-client.js";
import { buildAnswer } from "./sdp-answer.js";
import type { PublishOffer } from "./sdp-offer.js";
import { RtpContribution } from "./rtp-contribution.js";
import type { WorkerPool } from "./worker-pool.js";

/** How long a browser has from its offer to its first media. */
const CONNECT_TIMEOUT_MS = 15_000;
/** Publishers may not send more than this; mediasoup's congestion feedback holds them to it. */
const MAX_INCOMING_BITRATE = 12_000_000;
/** Attempts to re-open the contribution after FFmpeg or the origin drop it. */
const REOPEN_ATTEMPTS = 4;

export interface WhipSessionOptions {
  origin: OriginClient;
  log: Logger;
  listen: { ip: string; announcedAddress: string | undefined; ports: { min: number; max: number } };
  srtLatencyMs: number;
  keyFrameIntervalMs: number;
  mediaTimeoutMs: number;
}

export interface WhipSessionEvents {
  closed: [string];
}

/**
 * One browser broadcast: a router of its own, the WebRTC transport the browser sends to,
 * a producer per track, and the RTP contribution that carries them to the origin. Ends
 * (and ends the stream at the origin) on DELETE, DTLS close or failure, ICE loss, or media
 * silence; `close()` releases every mediasoup object and FFmpeg whatever the cause.
 */
export class WhipSession extends EventEmitter<WhipSessionEvents> {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  etag = `"${randomUUID()}"`;
  bitrateBps = 0;
  private producers: Producer[] = [];
  private contribution: RtpContribution | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastBytes = 0;
  private lastMediaAt = Date.now();
  private mediaSeen = false;
  private closing: Promise<void> | undefined;
  private live = false;

  private constructor(
    readonly stream: string,
    private readonly router: Router,
    private readonly transport: WebRtcTransport,
    private readonly options: WhipSessionOptions,
  ) {
    super();
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Sets up the media path for `offer` and returns the session with its SDP answer. */
  static async create(pool: WorkerPool, stream: string, offer: PublishOffer, options: WhipSessionOptions): Promise<{ session: WhipSession; answer: string }> {
    const router = await pool.createRouter(stream);
    let session: WhipSession | undefined;
    try {
      const { ip, announcedAddress, ports } = options.listen;
      const listen = { ip, announcedAddress, portRange: ports };
      const transport = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: "udp", ...listen },
          { protocol: "tcp", ...listen },
        ],
      });
      session = new WhipSession(stream, router, transport, options);
      await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE);
      await transport.connect({ dtlsParameters: { role: offer.dtls.remoteRole, fingerprints: offer.dtls.fingerprints } });
      for (const section of offer.sections) {
        if (!section.producer) continue;
        session.producers.push(await transport.produce(section.producer).catch(unsupported));
      }
      const answer = buildAnswer(offer, transport);
      await session.openContribution(2);
      session.watch();
      session.live = true;
      return { session, answer };
    } catch (error) {
      if (session) await session.close("setup failed");
      else router.close();
      throw error;
    }
  }

  /** ICE restart (RFC 9725 4.4): new credentials for the browser's new ones. */
  async restartIce(): Promise<{ usernameFragment: string; password: string }> {
    const ice = await this.transport.restartIce();
    this.etag = `"${randomUUID()}"`;
    return ice;
  }

  get iceCandidates() {
    return this.transport.iceCandidates;
  }

  /** Ends the broadcast; idempotent. The origin ends the stream at once if it went live. */
  close(reason: string): Promise<void> {
    return (this.closing ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      await this.contribution?.close();
      this.router.close(); // closes the transports, producers and consumers in it
      if (this.live) {
        await this.options.origin.endStream(this.stream).catch((error: unknown) => {
          this.options.log.warn({ err: error, stream: this.stream }, "origin did not take the end of the stream");
        });
      }
      this.options.log.info({ stream: this.stream, session: this.id, reason }, "WHIP publish stopped");
      this.emit("closed", reason);
    })());
  }

  /** Opens the contribution at the origin; 409/503 for the WHIP client if none takes it. */
  private async openContribution(attempts: number): Promise<void> {
    const { handed, lastError } = await handToOrigin(
      this.options.origin,
      this.stream,
      async (target) => {
        const contribution = await RtpContribution.open(this.router, this.producers, { ...target, latencyMs: this.options.srtLatencyMs }, this.options.log);
        this.contribution = contribution;
        contribution.once("failed", (detail) => this.reopen(detail));
        this.options.log.info({ stream: this.stream, origin: `${target.host}:${target.port}` }, "forwarding WHIP media to origin");
      },
      { attempts, wanted: () => !this.closed, log: this.options.log },
    );
    if (handed) return;
    if (lastError instanceof OriginRefused && lastError.status === 409) {
      throw new HttpError(409, "stream_busy", `stream ${this.stream} already has a publisher`);
    }
    throw new HttpError(503, "origin_unavailable", "no origin took the stream; try again shortly");
  }

  private reopen(detail: string): void {
    if (this.closed) return;
    this.options.log.warn({ stream: this.stream, detail }, "WHIP contribution to the origin broke; re-opening");
    const broken = this.contribution;
    this.contribution = undefined;
    void (async () => {
      await broken?.close();
      await this.openContribution(REOPEN_ATTEMPTS).catch(() => this.close("no origin takes the stream"));
    })();
  }

  /** Key frames on a timer, and the end of the session when the browser goes away. */
  private watch(): void {
    this.transport.on("dtlsstatechange", (state) => {
      if (state === "failed" || state === "closed") void this.close(`DTLS ${state}`);
    });
    this.transport.on("icestatechange", (state) => {
      if (state === "disconnected" || state === "closed") void this.close(`ICE ${state}`);
    });
    this.transport.observer.once("close", () => void this.close("transport closed"));
    this.timers.push(setInterval(() => this.contribution?.requestKeyFrame(), this.options.keyFrameIntervalMs));
    this.timers.push(setInterval(() => void this.checkMedia(), 1_000));
  }

  /** Ends a session whose browser stopped sending (tab closed, network gone) without a word. */
  private async checkMedia(): Promise<void> {
    const stats = (await Promise.all(this.producers.map((p) => p.getStats().catch(() => [])))).flat();
    const bytes = stats.reduce((sum, s) => sum + s.byteCount, 0);
    this.bitrateBps = stats.reduce((sum, s) => sum + s.bitrate, 0);
    const now = Date.now();
    if (bytes > this.lastBytes) {
      this.lastBytes = bytes;
      this.lastMediaAt = now;
      this.mediaSeen = true;
    }
    const limit = this.mediaSeen ? this.options.mediaTimeoutMs : CONNECT_TIMEOUT_MS;
    if (now - this.lastMediaAt > limit) void this.close(this.mediaSeen ? "media stopped" : "browser never connected");
  }
}

/** mediasoup refuses parameters it cannot route as TypeError or UnsupportedError. */
function unsupported(error: unknown): never {
  throw new HttpError(422, "unsupported_media", `the edge cannot receive this track: ${(error as Error).message}`);
}
