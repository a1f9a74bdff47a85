import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { stopProcess } from "@tributary/common";
import {
  MediaStreamTrack,
  RTCPeerConnection,
  useAbsSendTime,
  useH264,
  useOPUS,
  useSdesMid,
  useVP8,
  type RTCRtpTransceiver,
} from "werift";

/**
 * An independent WHIP (RFC 9725) publisher for integration tests: werift's pure-TypeScript
 * WebRTC stack sends what FFmpeg encodes live (a test pattern and a tone) to a WHIP endpoint.
 * FFmpeg writes RTP to loopback UDP sockets; each datagram goes into a werift track, which
 * rewrites SSRC, payload type, sequence numbers and header extensions for the negotiated
 * session and sends it over SRTP.
 */

export interface WhipPublishOptions {
  /** WHIP endpoint URL the offer is POSTed to. */
  endpoint: string;
  /** Bearer token; no Authorization header without one. */
  token?: string;
  width?: number;
  height?: number;
  fps?: number;
  /** Offer (and send) video. Default true. */
  video?: boolean;
  /** Offer (and send) audio. Default true. */
  audio?: boolean;
  videoCodec?: "H264" | "VP8";
  /** Bound on each HTTP request (POST, DELETE). Default 10 s. */
  requestTimeoutMs?: number;
  /** Bound on ICE gathering before the POST. Default 5 s. */
  gatherTimeoutMs?: number;
  /** Bound on ICE + DTLS reaching `connected` after the answer, for `connected()`. Default 10 s. */
  connectTimeoutMs?: number;
}

export interface WhipPublisher {
  /** HTTP status of the POST (201). */
  status: number;
  /** Session URL: the `Location` header resolved against the endpoint. */
  location: string;
  etag?: string;
  /** The SDP offer that was POSTed. */
  offer: string;
  /** The SDP answer from the response body. */
  answer: string;
  /** Resolves once ICE and DTLS are connected; rejects on `failed`/`closed`, timeout or `stop()`. */
  connected(): Promise<void>;
  /** RTP packets from FFmpeg handed to the WebRTC stack while connected, per kind (NACK retransmissions not counted). */
  packetsSent(): { video: number; audio: number };
  /** The last few KiB of FFmpeg's stderr, for failure messages. */
  ffmpegStderr(): string;
  /**
   * Goes silent without a word: stops FFmpeg and the RTP it fed, but sends no DELETE and
   * keeps the peer connection (ICE consent, DTLS) up. `stop()` still tears down the rest.
   */
  stopMedia(): void;
  /** Status of the DELETE sent by `stop()`; undefined before `stop()` or if the request failed. */
  deleteStatus?: number;
  /** DELETEs the session, then closes the peer connection and stops FFmpeg. Idempotent. */
  stop(): Promise<void>;
}

/** A WHIP request that did not answer 201; `body` is the parsed JSON (`{error, message}`) or the raw text. */
export class WhipError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`WHIP POST answered ${status}: ${typeof body === "string" ? body : JSON.stringify(body)}`);
    this.name = "WhipError";
  }
}

export interface WhipResponse {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * POSTs `sdp` to a WHIP endpoint as is, for negative tests (bad SDP, bad token, wrong
 * content type). Bounded by `timeoutMs` (default 10 s).
 */
export async function postOffer(
  endpoint: string,
  sdp: string,
  opts: { token?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<WhipResponse> {
  const headers: Record<string, string> = { "Content-Type": opts.contentType ?? "application/sdp" };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  const res = await fetch(endpoint, { method: "POST", headers, body: sdp, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

type Kind = "video" | "audio";

interface MediaLeg {
  kind: Kind;
  socket: Socket;
  port: number;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
  packets: number;
}

const STDERR_TAIL = 8 * 1024;

export async function whipPublish(opts: WhipPublishOptions): Promise<WhipPublisher> {
  const { width = 640, height = 360, fps = 30, video = true, audio = true, videoCodec = "H264" } = opts;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  if (!video && !audio) throw new Error("whipPublish: nothing to publish (video and audio both off)");

  // BUNDLE (RFC 8843) wants one extmap id per URI across bundled m-sections; werift numbers the
  // audio then the video extensions in sequence, so the MID extension is one shared object
  // (its id is the one it gets last) to come out the same in both sections.
  const mid = useSdesMid();
  const pc = new RTCPeerConnection({
    codecs: {
      video: [videoCodec === "VP8" ? useVP8() : useH264()],
      audio: [useOPUS()],
    },
    headerExtensions: { audio: [mid], video: [mid, useAbsSendTime()] },
    // One ICE transport for every m-section from the start, as WHIP clients do. With werift's
    // default (max-compat) each m-section gathers its own sockets and close() leaves those
    // the answer's BUNDLE made unused open.
    bundlePolicy: "max-bundle",
    // werift leaves loopback out of its host candidates; tests run the edge on 127.0.0.1,
    // and a machine may have no other interface.
    iceAdditionalHostAddresses: ["127.0.0.1"],
  });
  const legs: MediaLeg[] = [];
  let publisher: WhipPublisher | undefined;
  let ffmpeg: ChildProcess | undefined;
  let ffmpegStopped: Promise<void> | undefined;
  let mediaStopped = false;
  let stderr = "";
  const stopFfmpeg = (): Promise<void> => {
    mediaStopped = true;
    ffmpegStopped ??= ffmpeg ? stopProcess(ffmpeg) : Promise.resolve();
    return ffmpegStopped;
  };

  const cleanup = async (): Promise<void> => {
    // Stop feeding the tracks first, then stop the sender and the source.
    await Promise.all(legs.map((leg) => new Promise<void>((resolve) => leg.socket.close(() => resolve()))));
    for (const leg of legs) leg.track.stop();
    await Promise.all([stopFfmpeg(), pc.close()]);
  };

  // Watch the connection from the start so no state change is missed; the deadline starts
  // once the answer is applied.
  let connectTimer: NodeJS.Timeout | undefined;
  let settleConnected: ((error?: Error) => void) | undefined;
  const connectedPromise = new Promise<void>((resolve, reject) => {
    settleConnected = (error) => {
      clearTimeout(connectTimer);
      settleConnected = undefined;
      if (error) reject(error);
      else resolve();
    };
  });
  connectedPromise.catch(() => undefined); // observed through connected(); never unhandled
  pc.connectionStateChange.subscribe((state) => {
    if (state === "connected") settleConnected?.();
    else if (state === "failed" || state === "closed") settleConnected?.(new Error(`WHIP peer connection ${state}`));
  });

  try {
    for (const kind of [video && "video", audio && "audio"] as const) {
      if (!kind) continue;
      const socket = createSocket("udp4");
      await new Promise<void>((resolve, reject) => {
        socket.once("error", (error) => {
          socket.close();
          reject(error);
        });
        socket.bind(0, "127.0.0.1", () => {
          socket.removeAllListeners("error");
          resolve();
        });
      });
      const track = new MediaStreamTrack({ kind });
      const transceiver = pc.addTransceiver(track, { direction: "sendonly" });
      const leg: MediaLeg = { kind, socket, port: socket.address().port, track, transceiver, packets: 0 };
      socket.on("message", (datagram) => {
        // FFmpeg sends its RTCP sender reports to the same port (see rtcpport below): drop them.
        if (datagram.length < 12 || datagram[0]! >> 6 !== 2) return;
        const type = datagram[1]!;
        if (type >= 200 && type <= 206) return;
        if (mediaStopped || pc.connectionState !== "connected") return; // werift drops RTP before DTLS is up
        track.writeRtp(datagram);
        leg.packets += 1;
      });
      legs.push(leg);
    }

    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc, opts.gatherTimeoutMs ?? 5_000);
    const offer = pc.localDescription?.sdp;
    if (!offer) throw new Error("werift produced no local description");

    const res = await postOffer(opts.endpoint, offer, { token: opts.token, timeoutMs: requestTimeoutMs });
    if (res.status !== 201) throw new WhipError(res.status, parseBody(res.body));
    const locationHeader = res.headers.get("location");
    if (!locationHeader) throw new Error("WHIP 201 without a Location header");
    const location = new URL(locationHeader, opts.endpoint).href;
    const answer = res.body;

    let stopping: Promise<void> | undefined;
    const session: WhipPublisher = {
      status: res.status,
      location,
      etag: res.headers.get("etag") ?? undefined,
      offer,
      answer,
      connected: () => connectedPromise,
      packetsSent: () => ({
        video: legs.find((leg) => leg.kind === "video")?.packets ?? 0,
        audio: legs.find((leg) => leg.kind === "audio")?.packets ?? 0,
      }),
      ffmpegStderr: () => stderr,
      stopMedia: () => {
        void stopFfmpeg();
      },
      stop: () => {
        stopping ??= (async () => {
          settleConnected?.(new Error("WHIP publisher stopped"));
          try {
            const headers: Record<string, string> = {};
            if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
            const del = await fetch(location, { method: "DELETE", headers, signal: AbortSignal.timeout(requestTimeoutMs) });
            await del.body?.cancel();
            session.deleteStatus = del.status;
          } catch {
            // The session may already be gone with its server; the local teardown still runs.
          }
          await cleanup();
        })();
        return stopping;
      },
    };

    publisher = session;

    await pc.setRemoteDescription({ type: "answer", sdp: answer });
    connectTimer = setTimeout(
      () => settleConnected?.(new Error(`WHIP peer connection not connected within ${opts.connectTimeoutMs ?? 10_000} ms`)),
      opts.connectTimeoutMs ?? 10_000,
    );

    // The senders know the negotiated payload types now; FFmpeg uses them (werift would
    // rewrite any other), and sends RTCP to the RTP port so it never lands on a stranger's.
    const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i"];
    const sources: string[] = [];
    if (video) sources.push(`testsrc2=size=${width}x${height}:rate=${fps}[out${sources.length}]`);
    if (audio) sources.push(`sine=frequency=440:sample_rate=48000[out${sources.length}]`);
    args.push(sources.join(";"));
    for (const leg of legs) {
      const payloadType = leg.transceiver.sender.codec?.payloadType;
      if (payloadType === undefined) throw new Error(`WHIP answer negotiated no ${leg.kind} codec`);
      if (leg.kind === "video") {
        args.push("-map", "0:v", ...videoEncoder(videoCodec, fps));
      } else {
        args.push("-map", "0:a", "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k", "-application", "lowdelay", "-frame_duration", "20");
      }
      args.push("-payload_type", String(payloadType), "-f", "rtp", `rtp://127.0.0.1:${leg.port}?pkt_size=1200&rtcpport=${leg.port}`);
    }
    const child = spawn("ffmpeg", args, { stdio: ["ignore", "ignore", "pipe"] });
    ffmpeg = child;
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => {
        ffmpeg = undefined; // never started: nothing to stop
        reject(error);
      });
    });
    return session;
  } catch (error) {
    // After a 201 the server holds a session: stop() DELETEs it before the local teardown.
    if (publisher) await publisher.stop();
    else {
      settleConnected?.(new Error("WHIP publish failed"));
      await cleanup();
    }
    throw error;
  }
}

function videoEncoder(codec: "H264" | "VP8", fps: number): string[] {
  const gop = ["-g", String(fps), "-pix_fmt", "yuv420p", "-b:v", "1500k"];
  if (codec === "VP8") {
    // One thread: libvpx's worker threads fall far behind real time on a busy machine.
    return ["-c:v", "libvpx", "-threads", "1", "-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0", "-auto-alt-ref", "0", "-error-resilient", "1", ...gop];
  }
  // Constrained baseline without B-frames matches profile-level-id=42e01f; SPS/PPS go in-band
  // with every IDR (the RTP muxer asks for no global header); FU-A is packetization mode 1.
  return ["-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "baseline", "-tune", "zerolatency", "-bf", "0", ...gop];
}

async function gatheringComplete(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === "complete") return;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`ICE gathering not complete within ${timeoutMs} ms`)), timeoutMs);
      ({ unSubscribe: unsubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
        if (state === "complete") resolve();
      }));
      if (pc.iceGatheringState === "complete") resolve();
    });
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
