import { HttpError, type Logger } from "@tributary/common";
import type { EdgeConfig } from "../config.js";
import type { OriginClient } from "../ingest/origin-client.js";
import type { EdgeMetrics } from "../metrics.js";
import { parseOffer } from "./sdp-offer.js";
import { WhipSession } from "./whip-session.js";
import { WorkerPool } from "./worker-pool.js";

/**
 * WHIP publishers on this edge: admission (capacity, one publisher per stream across SRT
 * and WHIP), the sessions by id, and the mediasoup workers they run on.
 */
export class WhipPublishers {
  private readonly pool: WorkerPool;
  private readonly sessions = new Map<string, WhipSession>();
  /** Streams being set up or live here, so two offers for one stream cannot race. */
  private readonly streams = new Set<string>();
  private closed = false;

  constructor(
    private readonly config: EdgeConfig["whip"] & { srtLatencyMs: number },
    private readonly origin: OriginClient,
    /** Whether a stream already has a publisher by another way in (SRT). */
    private readonly publishedElsewhere: (stream: string) => boolean,
    private readonly metrics: EdgeMetrics,
    private readonly log: Logger,
  ) {
    this.pool = new WorkerPool(config.workers, log);
  }

  async start(): Promise<void> {
    await this.pool.start();
    this.log.info({ workers: this.pool.workerCount, ports: this.config.ports }, "WHIP ingest ready");
  }

  /** Takes an SDP offer for `stream`; resolves with the session and the SDP answer. */
  async publish(stream: string, offerText: string): Promise<{ session: WhipSession; answer: string }> {
    if (this.closed) throw new HttpError(503, "shutting_down", "the edge is shutting down");
    if (this.streams.has(stream) || this.publishedElsewhere(stream)) {
      throw new HttpError(409, "stream_busy", `stream ${stream} already has a publisher`);
    }
    if (this.streams.size >= this.config.maxSessions) {
      throw new HttpError(503, "too_many_sessions", `this edge takes at most ${this.config.maxSessions} WHIP publishers`);
    }
    const offer = parseOffer(offerText);
    this.streams.add(stream);
    try {
      const { session, answer } = await WhipSession.create(this.pool, stream, offer, {
        origin: this.origin,
        log: this.log,
        listen: { ip: this.config.listenIp, announcedAddress: this.config.announcedAddress, ports: this.config.ports },
        srtLatencyMs: this.config.srtLatencyMs,
        keyFrameIntervalMs: this.config.keyFrameIntervalMs,
        mediaTimeoutMs: this.config.mediaTimeoutMs,
      });
      this.sessions.set(session.id, session);
      this.metrics.whipSessions.inc();
      session.once("closed", () => {
        this.sessions.delete(session.id);
        this.streams.delete(stream);
        this.metrics.whipSessions.dec();
      });
      this.log.info({ stream, session: session.id }, "WHIP publish started");
      return { session, answer };
    } catch (error) {
      this.streams.delete(stream);
      throw error;
    }
  }

  /** The live session `id` of `stream`, or 404. */
  session(stream: string, id: string): WhipSession {
    const session = this.sessions.get(id);
    if (!session || session.stream !== stream || session.closed) throw new HttpError(404, "no_such_session", "no such WHIP session");
    return session;
  }

  /** Streams with a WHIP publisher on this edge. */
  publishers(): { stream: string; startedAt: number; bitrateBps: number }[] {
    return [...this.sessions.values()].map((s) => ({ stream: s.stream, startedAt: s.startedAt, bitrateBps: s.bitrateBps }));
  }

  /** What WHIP holds right now, counted in mediasoup's workers themselves: for leak checks. */
  async census(): Promise<{ sessions: number; workers: number; routers: number; transports: number }> {
    return { sessions: this.sessions.size, ...(await this.pool.census()) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions.values()].map((s) => s.close("edge shutting down")));
    this.pool.close();
  }
}
