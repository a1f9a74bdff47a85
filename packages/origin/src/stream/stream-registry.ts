import { randomBytes } from "node:crypto";
import { HttpError, type Logger } from "@tributary/common";
import type { OriginConfig } from "../config.js";
import { Contribution } from "../contribution/contribution.js";
import { srtListener, type ContributionSource } from "../contribution/sources.js";
import { LiveStream } from "./live-stream.js";
import { PortPool } from "./port-pool.js";

/** An ended stream stays listed this long so that players read its EXT-X-ENDLIST. */
const ENDED_RETENTION_MS = 60_000;
/** A contribution listener with no caller gives its port back after this long. */
const LISTEN_TIMEOUT_MS = 30_000;

export interface SrtContribution {
  port: number;
  passphrase: string;
}

/** The streams of this origin by name, and the contribution ports they hold. */
export class StreamRegistry {
  private readonly streams = new Map<string, LiveStream>();
  private readonly ports: PortPool;
  private readonly retention = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly config: OriginConfig,
    private readonly log: Logger,
    /** Called once for every new stream, to wire publishing and metrics. */
    private readonly onStream: (stream: LiveStream) => void,
  ) {
    this.ports = new PortPool(config.contributionPorts.first, config.contributionPorts.last);
  }

  get(name: string): LiveStream | undefined {
    return this.streams.get(name);
  }

  list(): LiveStream[] {
    return [...this.streams.values()];
  }

  /** Opens an SRT listener for `name` and feeds the stream (new, or resuming) from it. */
  openSrt(name: string): SrtContribution {
    const port = this.ports.take();
    if (port === undefined) throw new HttpError(503, "no_ports", "every contribution port is in use");
    // 32 hex characters: within SRT's 10-79 character passphrase limits.
    const passphrase = randomBytes(16).toString("hex");
    try {
      const contribution = this.open(
        name,
        srtListener({
          host: this.config.contributionHost,
          port,
          latencyMs: this.config.srtLatencyMs,
          passphrase,
          listenTimeoutMs: LISTEN_TIMEOUT_MS,
        }),
      );
      contribution.once("end", () => this.ports.release(port));
    } catch (error) {
      this.ports.release(port);
      throw error;
    }
    return { port, passphrase };
  }

  /** Feeds stream `name` from `source`: a new stream, or one waiting for its publisher. */
  open(name: string, source: ContributionSource): Contribution {
    let stream = this.streams.get(name);
    if (stream?.state === "ended") {
      this.forget(name);
      stream = undefined;
    }
    if (stream?.hasContribution) throw new HttpError(409, "already_live", `stream "${name}" already has a publisher`);
    if (!stream) {
      const live = this.list().filter((s) => s.state !== "ended").length;
      if (live >= this.config.maxStreams) throw new HttpError(503, "too_many_streams", `this origin carries ${live} streams already`);
      stream = this.create(name);
    }
    const contribution = new Contribution(source, this.log.child({ stream: name }));
    stream.attach(contribution);
    return contribution;
  }

  /** Ends a stream now (its playlists get EXT-X-ENDLIST). */
  async end(name: string): Promise<void> {
    const stream = this.streams.get(name);
    if (!stream) throw new HttpError(404, "no_such_stream", `stream "${name}" is not on this origin`);
    await stream.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.list().map((s) => s.close()));
    for (const timer of this.retention.values()) clearTimeout(timer);
    this.retention.clear();
  }

  private create(name: string): LiveStream {
    const c = this.config;
    const stream = new LiveStream(
      {
        name,
        ladder: c.ladder,
        maxFrameRate: c.maxFrameRate,
        audioKbps: c.audioBitrateKbps,
        x264Preset: c.x264Preset,
        partTargetMs: c.partTargetMs,
        segmentTargetMs: c.segmentTargetMs,
        windowSegments: c.windowSegments,
        reconnectWindowMs: c.reconnectWindowMs,
      },
      this.log.child({ stream: name }),
    );
    this.streams.set(name, stream);
    stream.once("ended", () => {
      this.retention.set(
        name,
        setTimeout(() => this.forget(name), ENDED_RETENTION_MS),
      );
    });
    this.onStream(stream);
    return stream;
  }

  private forget(name: string): void {
    clearTimeout(this.retention.get(name));
    this.retention.delete(name);
    this.streams.delete(name);
  }
}
