import { preferredVideoCodecs } from "./codecs";
import { capture, captureProblem, type Capture, type Source } from "./media";
import { NO_SEND_STATS, sendSample, sendStats, type SendSample, type SendStats } from "./stats";
import { publish, unpublish, WhipError } from "./whip";

export type BroadcastState = "idle" | "connecting" | "live" | "stopping" | "stopped" | "failed";

/** Why a broadcast failed (or, after a stop, that the server did not confirm it). */
export interface BroadcastError {
  /** The server's error code ("unauthorized"), or ours ("permission_denied", "connection_lost", …). */
  readonly code: string;
  readonly message: string;
  /** HTTP status of the WHIP answer; null for failures without one. */
  readonly status: number | null;
}

export interface BroadcasterOptions {
  /** Absolute URL of the WHIP endpoint. */
  endpoint: string;
  /** Called after every change, and with each stats reading (1/s) while live. */
  onUpdate: () => void;
}

/**
 * Video bit rate cap: 720p30 H.264 looks clean at 2.5 Mb/s, the ladder re-encodes it
 * anyway, and it leaves headroom on a typical home uplink.
 */
const MAX_VIDEO_BITRATE = 2_500_000;
const STATS_INTERVAL_MS = 1000;
/** The answer names reachable candidates (ICE-lite), so connecting takes a second or two. */
const CONNECT_TIMEOUT_MS = 15_000;
/** ICE often recovers from a short interruption (a Wi-Fi hand-over) by itself. */
const DISCONNECTED_GRACE_MS = 5000;

/**
 * One broadcast at a time over WHIP (RFC 9725): captures the source, offers sendonly
 * audio and video to the endpoint with the stream key as bearer token, applies the
 * answer, and watches the connection. Ending (stop or failure) deletes the session, then
 * closes the peer connection and releases the devices; a new `start` may follow.
 */
export class Broadcaster {
  readonly #endpoint: string;
  readonly #onUpdate: () => void;

  #state: BroadcastState = "idle";
  #error: BroadcastError | null = null;
  #stream: string | null = null;
  #sessionUrl: string | null = null;
  #connection: RTCPeerConnectionState | null = null;
  #stats: SendStats = NO_SEND_STATS;

  /** Counts starts and ends: an async step of an earlier run sees it is stale and stops. */
  #run = 0;
  #abort = new AbortController();
  /** The stream key of the current session: `DELETE` carries it too. */
  #key = "";
  #capture: Capture | null = null;
  #pc: RTCPeerConnection | null = null;
  #lastSample: SendSample | null = null;
  #statsTimer: number | undefined;
  #connectTimer: number | undefined;
  #disconnectedTimer: number | undefined;

  constructor(options: BroadcasterOptions) {
    this.#endpoint = options.endpoint;
    this.#onUpdate = options.onUpdate;
  }

  get state(): BroadcastState {
    return this.#state;
  }

  get error(): BroadcastError | null {
    return this.#error;
  }

  /** The stream of the current or last session; null before the server named it. */
  get stream(): string | null {
    return this.#stream;
  }

  /** Absolute URL of the current or last WHIP session. */
  get sessionUrl(): string | null {
    return this.#sessionUrl;
  }

  /** The peer connection's state while there is one. */
  get connection(): RTCPeerConnectionState | null {
    return this.#connection;
  }

  get stats(): SendStats {
    return this.#stats;
  }

  /** The captured video, while a broadcast holds it. */
  get preview(): MediaStream | null {
    return this.#capture?.preview ?? null;
  }

  /** A broadcast is starting, running or ending: no new one can start. */
  get busy(): boolean {
    return this.#state === "connecting" || this.#state === "live" || this.#state === "stopping";
  }

  async start(source: Source, key: string): Promise<void> {
    if (this.busy) return;
    const run = ++this.#run;
    this.#abort = new AbortController();
    this.#key = key;
    this.#error = null;
    this.#stream = null;
    this.#sessionUrl = null;
    this.#stats = NO_SEND_STATS;
    this.#setState("connecting");

    let media: Capture;
    try {
      media = await capture(source);
    } catch (error) {
      if (run === this.#run) await this.#end("failed", { ...captureProblem(error, source), status: null });
      return;
    }
    if (run !== this.#run) {
      media.stop();
      return;
    }
    this.#capture = media;
    // The browser's own "Stop sharing" ends a screen broadcast; a camera that vanishes fails it.
    media.video.addEventListener("ended", () => {
      if (run !== this.#run) return;
      if (source === "screen") void this.stop();
      else void this.#fail(run, "capture_ended", "The camera stopped delivering video (unplugged, or taken by another application).");
    });
    this.#onUpdate();

    try {
      const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
      this.#pc = pc;
      pc.addEventListener("connectionstatechange", () => this.#onConnectionState(run));
      pc.addTransceiver(media.audio, { direction: "sendonly" });
      const video = pc.addTransceiver(media.video, { direction: "sendonly", sendEncodings: [{ maxBitrate: MAX_VIDEO_BITRATE }] });
      preferCodecs(video);
      // No waiting for ICE gathering: the server is ICE-lite and answers with its own candidates.
      await pc.setLocalDescription(await pc.createOffer());
      const session = await publish(this.#endpoint, key, pc.localDescription?.sdp ?? "", this.#abort.signal);
      if (run !== this.#run) {
        void unpublish(session.url, key);
        return;
      }
      this.#sessionUrl = session.url;
      this.#stream = session.stream;
      this.#onUpdate();
      await pc.setRemoteDescription({ type: "answer", sdp: session.answer });
      if (run !== this.#run) return;
      await keepResolution(video.sender);
      if (run !== this.#run) return;
      this.#connectTimer = window.setTimeout(
        () =>
          void this.#fail(
            run,
            "connect_timeout",
            `Could not reach the media server: the connection did not come up within ${CONNECT_TIMEOUT_MS / 1000} s.`,
          ),
        CONNECT_TIMEOUT_MS,
      );
      this.#onConnectionState(run);
    } catch (error) {
      if (run !== this.#run) return;
      await this.#end("failed", problemOf(error));
    }
  }

  /** Ends a starting or running broadcast: deletes the session, then releases everything. */
  async stop(): Promise<void> {
    if (this.#state === "connecting" || this.#state === "live") await this.#end("stopped", null);
  }

  /**
   * The page goes away: ends the session with a request that outlives the page, and
   * releases the devices at once.
   */
  leave(): void {
    if (this.#state !== "connecting" && this.#state !== "live") return;
    this.#run += 1;
    this.#abort.abort();
    if (this.#sessionUrl !== null) void unpublish(this.#sessionUrl, this.#key, { keepalive: true });
    this.#release();
  }

  #onConnectionState(run: number): void {
    const pc = this.#pc;
    if (run !== this.#run || pc === null) return;
    this.#connection = pc.connectionState;
    switch (pc.connectionState) {
      case "connected":
        window.clearTimeout(this.#connectTimer);
        window.clearTimeout(this.#disconnectedTimer);
        this.#disconnectedTimer = undefined;
        if (this.#state === "connecting") {
          this.#setState("live");
          this.#statsTimer = window.setInterval(() => this.#readStats(run), STATS_INTERVAL_MS);
          this.#readStats(run);
        }
        break;
      case "disconnected":
        this.#disconnectedTimer ??= window.setTimeout(
          () => void this.#fail(run, "connection_lost", "The connection to the media server was lost."),
          DISCONNECTED_GRACE_MS,
        );
        break;
      case "failed":
        void this.#fail(run, "connection_lost", "The connection to the media server failed.");
        return;
    }
    this.#onUpdate();
  }

  #readStats(run: number): void {
    this.#pc?.getStats().then(
      (report) => {
        if (run !== this.#run) return;
        const sample = sendSample(report.values());
        if (sample === null) return;
        this.#stats = sendStats(this.#lastSample, sample);
        this.#lastSample = sample;
        this.#onUpdate();
      },
      () => undefined,
    );
  }

  async #fail(run: number, code: string, message: string): Promise<void> {
    if (run === this.#run) await this.#end("failed", { code, message, status: null });
  }

  /** Deletes the session (RFC 9725 §4.3), then closes the connection and stops the tracks. */
  async #end(outcome: "stopped" | "failed", error: BroadcastError | null): Promise<void> {
    this.#run += 1;
    this.#abort.abort();
    this.#error = error;
    this.#setState("stopping");
    const confirmed = this.#sessionUrl === null || (await unpublish(this.#sessionUrl, this.#key));
    this.#release();
    if (!confirmed && error === null) {
      this.#error = {
        code: "session_not_deleted",
        message: "The server did not confirm the end of the broadcast; it ends there once no more media arrives.",
        status: null,
      };
    }
    this.#setState(outcome);
  }

  #release(): void {
    window.clearInterval(this.#statsTimer);
    window.clearTimeout(this.#connectTimer);
    window.clearTimeout(this.#disconnectedTimer);
    this.#disconnectedTimer = undefined;
    this.#pc?.close();
    this.#pc = null;
    this.#capture?.stop();
    this.#capture = null;
    this.#connection = null;
    this.#lastSample = null;
    this.#stats = NO_SEND_STATS;
  }

  #setState(state: BroadcastState): void {
    this.#state = state;
    this.#onUpdate();
  }
}

/** H.264 first, VP8 as fallback (see `preferredVideoCodecs`), where the browser lets the page choose. */
function preferCodecs(transceiver: RTCRtpTransceiver): void {
  if (typeof transceiver.setCodecPreferences !== "function" || typeof RTCRtpSender.getCapabilities !== "function") return;
  const codecs = preferredVideoCodecs(RTCRtpSender.getCapabilities("video")?.codecs ?? []);
  try {
    if (codecs.length > 0) transceiver.setCodecPreferences(codecs);
  } catch {
    // Some browsers accept only receive codecs here; their default order (VP8 first) still works.
  }
}

/**
 * Under congestion the encoder drops frames rather than resolution, as OBS does: the
 * ingest re-encodes at the ladder's fixed sizes, so detail lost here is lost in every
 * rendition (the 720p rung would be an upscale) and a size change mid-stream is a new
 * SPS for the pipeline, while missing frames only cost smoothness. It also skips
 * Chrome's low-resolution start: with "maintain-framerate" a 720p camera went out at
 * 320×180 for its first ten seconds (loopback test), with this at 1280×720 from the start.
 */
async function keepResolution(sender: RTCRtpSender): Promise<void> {
  const parameters = sender.getParameters();
  parameters.degradationPreference = "maintain-resolution";
  await sender.setParameters(parameters).catch(() => undefined);
}

function problemOf(error: unknown): BroadcastError {
  if (error instanceof WhipError) return { code: error.code, message: error.message, status: error.status };
  const detail = error instanceof Error && error.message !== "" ? `: ${error.message}` : ".";
  return { code: "webrtc_failed", message: `The browser could not set up the connection${detail}`, status: null };
}
