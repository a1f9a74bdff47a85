import Hls, { Events, type ErrorData, type LevelDetails } from "hls.js";
import { backoffDelay, ENDED_BACKOFF, OFFLINE_BACKOFF, RECONNECT_BACKOFF, type BackoffPolicy } from "../shared/backoff";
import { bufferedAhead, catchUpRate } from "./catch-up";
import { parseEdgeError } from "../shared/edge-error";
import { classifyError } from "./error-kind";
import { lowLatencyConfig } from "./hls-config";
import { liveTuning } from "./latency";
import type { LevelInfo } from "./level-label";

export type PlayerState = "loading" | "playing" | "offline" | "reconnecting" | "ended";

/** What the page's overlay and controls render, besides the state itself. */
export interface PlayerStatus {
  state: PlayerState;
  /** The edge's explanation of the last failure, or a note of ours. */
  message: string | null;
  /** When the next attempt to load the stream starts (ms, `now()` clock), if one is scheduled. */
  retryAt: number | null;
  /** The browser refused to start playback without a user gesture. */
  needsGesture: boolean;
  /** Playback is waiting for data (since `waitingSince`). */
  waitingSince: number | null;
}

export interface LivePlayerOptions {
  video: HTMLVideoElement;
  manifestUrl: string;
  /** Called after every change and on each tick (4×/s). */
  onUpdate: () => void;
  now?: () => number;
  random?: () => number;
}

/** How often the player re-reads playback state (latency readout, end detection). */
const TICK_MS = 250;
/** At most this many in-place media recoveries within `MEDIA_RECOVERY_WINDOW_MS`, then a full restart. */
const MAX_MEDIA_RECOVERIES = 3;
const MEDIA_RECOVERY_WINDOW_MS = 30_000;

/**
 * One live stream on one `<video>`: owns the hls.js instance, turns its events into the
 * page's states, and starts over with back-off when hls.js gives up (offline stream,
 * lost edge, ended broadcast). `close()` is idempotent.
 */
export class LivePlayer {
  readonly #video: HTMLVideoElement;
  readonly #manifestUrl: string;
  readonly #onUpdate: () => void;
  readonly #now: () => number;
  readonly #random: () => number;

  #hls: Hls | null = null;
  #state: PlayerState = "loading";
  #message: string | null = null;
  #retryTimer: number | undefined;
  #retryAt: number | null = null;
  #attempt = 0;
  #tickTimer: number | undefined;
  #needsGesture = false;
  #waitingSince: number | null = null;
  #closed = false;

  /** Facts about the current hls.js instance. */
  #manifestParsed = false;
  #endlistSeen = false;
  #tuned = false;

  #everPlayed = false;
  #levels: LevelInfo[] = [];
  /** Height the viewer picked in the quality menu (null: Auto); survives reloads. */
  #preferredHeight: number | null = null;
  #mediaRecoveries: number[] = [];
  #fatalErrors = 0;
  #stalls = 0;

  constructor(options: LivePlayerOptions) {
    this.#video = options.video;
    this.#manifestUrl = options.manifestUrl;
    this.#onUpdate = options.onUpdate;
    this.#now = options.now ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
  }

  /** hls.js needs Media Source Extensions (or iOS 17.1+'s ManagedMediaSource). */
  static isSupported(): boolean {
    return Hls.isSupported();
  }

  start(): void {
    if (this.#closed || this.#hls !== null) return;
    this.#video.addEventListener("playing", this.#onPlaying);
    this.#video.addEventListener("waiting", this.#onWaiting);
    this.#video.addEventListener("ended", this.#onEnded);
    this.#tickTimer = window.setInterval(this.#tick, TICK_MS);
    this.#load();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    window.clearInterval(this.#tickTimer);
    window.clearTimeout(this.#retryTimer);
    this.#video.removeEventListener("playing", this.#onPlaying);
    this.#video.removeEventListener("waiting", this.#onWaiting);
    this.#video.removeEventListener("ended", this.#onEnded);
    this.#teardown();
  }

  get state(): PlayerState {
    return this.#state;
  }

  get status(): PlayerStatus {
    return {
      state: this.#state,
      message: this.#message,
      retryAt: this.#retryAt,
      needsGesture: this.#needsGesture,
      waitingSince: this.#waitingSince,
    };
  }

  get levels(): readonly LevelInfo[] {
    return this.#levels;
  }

  /** Index of the level being played, -1 when none. */
  get currentLevel(): number {
    return this.#hls?.currentLevel ?? -1;
  }

  /** Whether hls.js picks the level (the menu's "Auto"). */
  get autoLevel(): boolean {
    return this.#hls ? this.#hls.autoLevelEnabled : this.#preferredHeight === null;
  }

  /** Seconds behind the live edge as hls.js estimates it; null when not playing live. */
  get latency(): number | null {
    const hls = this.#hls;
    if (hls === null || this.#state !== "playing" || hls.latestLevelDetails?.live !== true) return null;
    const latency = hls.latency;
    return Number.isFinite(latency) && latency > 0 ? latency : null;
  }

  get targetLatency(): number | null {
    return this.#state === "playing" ? (this.#hls?.targetLatency ?? null) : null;
  }

  get currentTime(): number {
    return this.#video.currentTime;
  }

  get fatalErrors(): number {
    return this.#fatalErrors;
  }

  get stalls(): number {
    return this.#stalls;
  }

  /** Picks a level by index in `levels`; -1 returns to automatic selection. */
  selectLevel(index: number): void {
    const level = this.#levels[index];
    this.#preferredHeight = level === undefined ? null : level.height;
    if (this.#hls !== null) this.#hls.nextLevel = level === undefined ? -1 : index;
    this.#onUpdate();
  }

  /** Jumps to the live-sync position (after a pause, or when far behind). */
  goLive(): void {
    const position = this.#hls?.liveSyncPosition;
    if (typeof position === "number" && Number.isFinite(position)) this.#video.currentTime = position;
    this.play();
  }

  /** Starts playback from a user gesture (needed when even muted autoplay was refused). */
  play(): void {
    this.#video.play().then(
      () => {
        this.#needsGesture = false;
        this.#onUpdate();
      },
      (error: unknown) => {
        if (error instanceof DOMException && error.name === "NotAllowedError") {
          this.#needsGesture = true;
          this.#onUpdate();
        }
      },
    );
  }

  #load(): void {
    if (this.#closed) return;
    this.#retryTimer = undefined;
    this.#retryAt = null;
    this.#manifestParsed = false;
    this.#endlistSeen = false;
    this.#tuned = false;
    const hls = new Hls(lowLatencyConfig());
    this.#hls = hls;
    hls.on(Events.MANIFEST_PARSED, (_event, data) => {
      if (hls !== this.#hls) return;
      this.#manifestParsed = true;
      this.#levels = data.levels.map((level, index) => ({
        index,
        height: level.height,
        width: level.width,
        bitrate: level.bitrate,
        videoCodec: level.videoCodec ?? "",
      }));
      if (this.#preferredHeight !== null) {
        const preferred = this.#levels.find((level) => level.height === this.#preferredHeight);
        if (preferred !== undefined) hls.nextLevel = preferred.index;
      }
      this.play();
      this.#onUpdate();
    });
    hls.on(Events.LEVEL_UPDATED, (_event, data) => {
      if (hls === this.#hls) this.#onDetails(hls, data.details);
    });
    hls.on(Events.LEVEL_SWITCHED, () => {
      if (hls === this.#hls) this.#onUpdate();
    });
    hls.on(Events.ERROR, (_event, data) => {
      if (hls === this.#hls) this.#onError(hls, data);
    });
    hls.attachMedia(this.#video);
    hls.loadSource(this.#manifestUrl);
    this.#onUpdate();
  }

  #onDetails(hls: Hls, details: LevelDetails): void {
    if (!details.live) {
      this.#endlistSeen = true;
      // Already over when we arrived (or still over when checking again): nothing to play.
      if (this.#state !== "playing") this.#toEnded();
      return;
    }
    if (!this.#tuned) {
      this.#tuned = true;
      const tuning = liveTuning(details.partTarget, details.partHoldBack, details.targetduration);
      hls.config.liveMaxLatencyDuration = tuning.maxLatency;
      hls.targetLatency = tuning.targetLatency;
    }
  }

  #onError(hls: Hls, data: ErrorData): void {
    const kind = classifyError(
      { fatal: data.fatal, type: data.type, details: data.details, httpStatus: data.response?.code },
      { manifestParsed: this.#manifestParsed, everPlayed: this.#everPlayed },
    );
    if (kind === "ignore") return;
    this.#fatalErrors += 1;

    if (this.#state === "ended") {
      // Looking for a new broadcast under this name: no news is no news.
      this.#teardown();
      this.#scheduleRetry(ENDED_BACKOFF);
      this.#onUpdate();
      return;
    }
    switch (kind) {
      case "media": {
        const now = this.#now();
        this.#mediaRecoveries = this.#mediaRecoveries.filter((at) => now - at < MEDIA_RECOVERY_WINDOW_MS);
        if (this.#mediaRecoveries.length < MAX_MEDIA_RECOVERIES) {
          this.#mediaRecoveries.push(now);
          hls.recoverMediaError();
          return;
        }
        this.#fail("reconnecting", null, RECONNECT_BACKOFF);
        return;
      }
      case "offline":
        this.#fail("offline", parseEdgeError(responseBody(data))?.message ?? null, OFFLINE_BACKOFF);
        return;
      case "unsupported":
        this.#fail("offline", "This browser cannot decode this stream's video or audio codecs.", ENDED_BACKOFF);
        return;
      case "reconnecting":
        this.#fail("reconnecting", null, RECONNECT_BACKOFF);
        return;
    }
  }

  #fail(state: "offline" | "reconnecting", message: string | null, policy: BackoffPolicy): void {
    this.#teardown();
    this.#state = state;
    this.#message = message;
    this.#scheduleRetry(policy);
    this.#onUpdate();
  }

  #toEnded(): void {
    this.#teardown();
    if (this.#state !== "ended") this.#attempt = 0;
    this.#state = "ended";
    this.#message = null;
    this.#scheduleRetry(ENDED_BACKOFF);
    this.#onUpdate();
  }

  #scheduleRetry(policy: BackoffPolicy): void {
    window.clearTimeout(this.#retryTimer);
    const delay = backoffDelay(this.#attempt, policy, this.#random);
    this.#attempt += 1;
    this.#retryAt = this.#now() + delay;
    this.#retryTimer = window.setTimeout(() => this.#load(), delay);
  }

  #teardown(): void {
    const hls = this.#hls;
    this.#hls = null;
    this.#waitingSince = null;
    hls?.destroy();
  }

  #onPlaying = (): void => {
    if (this.#hls === null) return;
    this.#state = "playing";
    this.#message = null;
    this.#attempt = 0;
    this.#everPlayed = true;
    this.#needsGesture = false;
    this.#waitingSince = null;
    this.#onUpdate();
  };

  #onWaiting = (): void => {
    if (this.#hls === null || this.#state !== "playing") return;
    // Running out of media at the end of an ended stream is no stall.
    if (!this.#endlistSeen) this.#stalls += 1;
    this.#waitingSince = this.#now();
    this.#onUpdate();
  };

  #onEnded = (): void => {
    if (this.#hls !== null && this.#endlistSeen) this.#toEnded();
  };

  #tick = (): void => {
    if (this.#hls !== null && this.#state === "playing" && this.#endlistSeen && this.#atEndOfBuffer()) {
      this.#toEnded();
      return;
    }
    this.#adjustRate();
    this.#onUpdate();
  };

  #adjustRate(): void {
    const video = this.#video;
    const ranges: [number, number][] = [];
    for (let i = 0; i < video.buffered.length; i++) ranges.push([video.buffered.start(i), video.buffered.end(i)]);
    const rate = this.#endlistSeen
      ? 1
      : catchUpRate({
          latency: this.latency,
          target: this.targetLatency,
          forwardBuffer: bufferedAhead(ranges, video.currentTime),
          paused: video.paused,
        });
    if (video.playbackRate !== rate) video.playbackRate = rate;
  }

  /** The playhead has reached the last buffered media and is not moving on. */
  #atEndOfBuffer(): boolean {
    const video = this.#video;
    if (video.ended) return true;
    const { buffered } = video;
    if (buffered.length === 0) return this.#waitingSince !== null;
    const remaining = buffered.end(buffered.length - 1) - video.currentTime;
    const stuckFor = this.#waitingSince === null ? 0 : this.#now() - this.#waitingSince;
    return remaining < 0.3 && (video.paused || stuckFor > 1500);
  }
}

/** The body of a failed playlist request, when hls.js kept it (XHR loader). */
function responseBody(data: ErrorData): unknown {
  if (typeof data.response?.data === "string") return data.response.data;
  const details = data.networkDetails;
  if (details instanceof XMLHttpRequest && (details.responseType === "" || details.responseType === "text")) {
    return details.responseText;
  }
  return undefined;
}
