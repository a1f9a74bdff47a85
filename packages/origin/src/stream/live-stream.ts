import { EventEmitter } from "node:events";
import { Waiters, type DeliveryRendition, type DeliveryStream, type Logger } from "@tributary/common";
import { StreamPackager, type PackagerEvent } from "@tributary/packager";
import type { Contribution } from "../contribution/contribution.js";
import { planLadder, type PlannedRung, type Rung, type SourceInfo } from "../transcode/ladder.js";
import { Transcoder } from "../transcode/transcoder.js";
import { PartStore } from "./part-store.js";

export interface LiveStreamOptions {
  name: string;
  ladder: Rung[];
  maxFrameRate: number;
  audioKbps: number;
  x264Preset: string;
  partTargetMs: number;
  segmentTargetMs: number;
  windowSegments: number;
  /** How long to wait for the publisher to come back before ending the stream. */
  reconnectWindowMs: number;
}

export interface Rendition {
  name: string;
  kind: "video" | "audio";
}

export type StreamState = "starting" | "live" | "reconnecting" | "ended";

export type PartEvent = Extract<PackagerEvent, { type: "part" }>;

export interface LiveStreamEvents {
  /** A run began: its renditions are known. */
  live: [];
  part: [rendition: Rendition, part: PartEvent];
  /** Contribution MPEG-TS bytes handed to the transcoder at wall-clock ms `at` (latency accounting). */
  input: [chunk: Buffer, at: number];
  /** Transcoder fMP4 bytes of rendition `index` handed to the packager at wall-clock ms `at` (latency accounting). */
  output: [index: number, chunk: Buffer, at: number];
  /** The transcoder died under a live contribution and is being restarted. */
  restart: [];
  ended: [];
}

/** Transcoder restarts allowed within RESTART_PERIOD_MS before the stream is failed. */
const MAX_RESTARTS = 5;
const RESTART_PERIOD_MS = 60_000;
/** Contribution bytes queued for a transcoder that is not keeping up (about 30 s at 8 Mb/s). */
const MAX_QUEUED_INPUT = 32 << 20;

/**
 * One live stream on this origin: the contribution feeding it, the transcoder run in
 * progress, the packager state and the bytes it serves. A transcoder crash restarts the
 * run (`EXT-X-DISCONTINUITY`); a publisher that leaves and comes back within the
 * reconnect window continues the stream; otherwise the playlists get `EXT-X-ENDLIST`.
 */
export class LiveStream extends EventEmitter<LiveStreamEvents> implements DeliveryStream {
  readonly store = new PartStore();
  readonly waiters = new Waiters();
  state: StreamState = "starting";
  renditions: Rendition[] = [];
  packager: StreamPackager | undefined;
  readonly startedAt = Date.now();
  restarts = 0;

  private plan: { rungs: PlannedRung[]; audio: boolean } | undefined;
  private delivery = new Map<string, DeliveryRendition>();
  /** Renditions whose init segment has arrived. */
  private readonly initialised = new Set<number>();
  private contribution: Contribution | undefined;
  private transcoder: Transcoder | undefined;
  private restartTimes: number[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    readonly options: LiveStreamOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  get name(): string {
    return this.options.name;
  }

  get hasContribution(): boolean {
    return this.contribution !== undefined;
  }

  /** Feeds this stream from a contribution (the first publisher, or one coming back). */
  attach(contribution: Contribution): void {
    if (this.state === "ended" || this.closing) throw new Error(`stream ${this.name} has ended`);
    if (this.contribution) throw new Error(`stream ${this.name} already has a contribution`);
    this.contribution = contribution;
    clearTimeout(this.reconnectTimer);
    contribution.on("source", (source) => this.onSource(contribution, source));
    contribution.on("data", (chunk) => this.feedInput(chunk));
    contribution.once("end", (end) => {
      this.log.info({ end }, "contribution ended");
      if (this.contribution === contribution) this.contribution = undefined;
      if (this.transcoder?.running) this.transcoder.endInput();
      else this.awaitPublisher();
    });
    contribution.start();
  }

  /** Ends the stream now (operator request or shutdown): playlists get `EXT-X-ENDLIST`. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.restartTimer);
    await this.contribution?.close();
    await this.transcoder?.close();
    this.finish();
  }

  /** Process id of the transcoder of the run in progress. */
  get transcoderPid(): number | undefined {
    return this.transcoder?.running ? this.transcoder.pid : undefined;
  }

  get ended(): boolean {
    return this.state === "ended";
  }

  get ready(): boolean {
    return this.renditions.length > 0 && this.initialised.size === this.renditions.length;
  }

  multivariant(): string | null | undefined {
    return this.packager?.multivariantPlaylist();
  }

  rendition(name: string): DeliveryRendition | undefined {
    return this.delivery.get(name);
  }

  /** LL-HLS delivery's view of rendition `index`: the packager's state and the stored bytes. */
  private deliveryRendition(index: number, kind: "video" | "audio", packager: StreamPackager): DeliveryRendition {
    const store = this.store;
    return {
      kind,
      lastPart: () => packager.lastPart(index),
      segmentComplete: (msn) => store.isClosed(index, msn) || (packager.lastPart(index)?.msn ?? -1) > msn,
      playlist: (skip) => packager.mediaPlaylist(index, skip),
      init: (name) => store.init(index, name),
      part: (msn, part) => store.part(index, msn, part),
      segment: (msn) => store.segment(index, msn),
    };
  }

  private onSource(contribution: Contribution, source: SourceInfo): void {
    if (!this.plan) {
      // The ladder is fixed for the life of the stream: renditions cannot change under viewers.
      const rungs = planLadder(this.options.ladder, source, this.options.maxFrameRate);
      this.plan = { rungs, audio: source.hasAudio };
      this.renditions = [
        ...rungs.map((r) => ({ name: r.name, kind: "video" as const })),
        ...(source.hasAudio ? [{ name: "audio", kind: "audio" as const }] : []),
      ];
      this.packager = new StreamPackager({
        partTargetMs: this.options.partTargetMs,
        segmentTargetMs: this.options.segmentTargetMs,
        windowSegments: this.options.windowSegments,
        // Sequence numbers from the wall clock: URIs never repeat across streams of one name.
        firstMsn: Math.floor(Date.now() / this.options.segmentTargetMs),
        renditions: [
          ...rungs.map((r) => ({ name: r.name, kind: "video" as const, bitrate: r.kbps * 1000, frameRate: r.frameRate })),
          ...(source.hasAudio ? [{ name: "audio", kind: "audio" as const, bitrate: this.options.audioKbps * 1000 }] : []),
        ],
      });
      const packager = this.packager;
      this.renditions.forEach((r, i) => this.delivery.set(r.name, this.deliveryRendition(i, r.kind, packager)));
      this.log.info({ source, renditions: this.renditions.map((r) => r.name) }, "ladder planned");
    } else if (source.hasAudio !== this.plan.audio) {
      this.log.warn({ source }, "returning publisher changed audio presence; keeping the original renditions");
    }
    this.startRun(contribution.firstDataAt ?? Date.now());
  }

  private startRun(wallAtZeroMs: number): void {
    if (!this.plan || !this.packager || this.closing) return;
    this.packager.beginRun(wallAtZeroMs);
    const transcoder = new Transcoder(
      {
        rungs: this.plan.rungs,
        audioKbps: this.plan.audio ? this.options.audioKbps : undefined,
        segmentTargetMs: this.options.segmentTargetMs,
        x264Preset: this.options.x264Preset,
      },
      this.log,
    );
    this.transcoder = transcoder;
    this.log.info({ pid: transcoder.pid }, "transcoder started");
    transcoder.on("output", (index, chunk) => this.feedPackager(transcoder, index, chunk));
    transcoder.once("exit", (exit) => this.onTranscoderExit(transcoder, exit));
    this.state = "live";
    this.emit("live");
  }

  private feedInput(chunk: Buffer): void {
    const transcoder = this.transcoder;
    if (!transcoder?.running) return; // between runs: the next run starts at the live point
    transcoder.write(chunk);
    this.emit("input", chunk, Date.now());
    if (transcoder.queuedInput > MAX_QUEUED_INPUT) {
      this.log.error({ queued: transcoder.queuedInput }, "transcoder is not keeping up with the contribution; restarting it");
      void transcoder.close();
    }
  }

  private feedPackager(transcoder: Transcoder, index: number, chunk: Buffer): void {
    if (transcoder !== this.transcoder || !this.packager) return;
    this.emit("output", index, chunk, Date.now());
    let events: PackagerEvent[];
    try {
      events = this.packager.push(index, chunk);
    } catch (error) {
      // Malformed output from FFmpeg is a broken run, not a broken origin: restart it.
      this.log.error({ err: error, rendition: this.renditions[index]?.name }, "packager rejected transcoder output");
      void transcoder.close();
      return;
    }
    this.apply(events);
  }

  private apply(events: PackagerEvent[]): void {
    for (const event of events) {
      const rendition = this.renditions[event.rendition];
      if (!rendition) continue;
      switch (event.type) {
        case "init":
          this.store.putInit(event.rendition, event.uri, event.bytes);
          this.initialised.add(event.rendition);
          break;
        case "part":
          this.store.putPart(event.rendition, event.msn, event.part, event.bytes, event.segmentDuration !== undefined);
          this.emit("part", rendition, event);
          break;
        case "evicted":
          this.store.evict(event.rendition, event.msn);
          break;
        case "warning":
          this.log.warn({ rendition: rendition.name, reason: event.message }, "packager dropped media");
          break;
      }
    }
    if (events.length > 0) this.waiters.check();
  }

  private onTranscoderExit(transcoder: Transcoder, exit: { clean: boolean; detail: string }): void {
    if (transcoder !== this.transcoder) return;
    this.transcoder = undefined;
    if (this.packager) this.apply(this.packager.endRun());
    this.store.closeAll();
    this.waiters.check();
    if (this.closing) return;
    if (!this.contribution) {
      this.log.info({ exit }, "transcoder finished with its input");
      return this.awaitPublisher();
    }
    this.log.error({ exit }, "transcoder died while the contribution is live; restarting");
    const now = Date.now();
    this.restartTimes = [...this.restartTimes.filter((t) => now - t < RESTART_PERIOD_MS), now];
    this.restarts += 1;
    this.emit("restart");
    if (this.restartTimes.length > MAX_RESTARTS) {
      this.log.error({ restarts: this.restartTimes.length }, "transcoder keeps failing; ending the stream");
      void this.close();
      return;
    }
    const delay = 250 * 2 ** (this.restartTimes.length - 1) - 250;
    this.restartTimer = setTimeout(() => this.startRun(Date.now()), delay);
  }

  /** The publisher is gone: keep the stream for the reconnect window, then end it. */
  private awaitPublisher(): void {
    if (this.state === "ended" || this.closing) return;
    this.state = "reconnecting";
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.close(), this.options.reconnectWindowMs);
  }

  private finish(): void {
    if (this.state === "ended") return;
    if (this.packager && !this.packager.ended) this.apply(this.packager.endStream());
    this.store.closeAll();
    this.state = "ended";
    this.waiters.check();
    this.emit("ended");
  }
}
