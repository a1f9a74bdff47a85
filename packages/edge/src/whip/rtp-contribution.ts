import { spawn, type ChildProcessByStdio } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { LIVE_MPEGTS_OUTPUT, stopProcess, type Logger } from "@tributary/common";
import type { Consumer, PlainTransport, Producer, Router, RtpCapabilities } from "mediasoup/types";
import type { ContributionTarget } from "../ingest/origin-client.js";
import { freeUdpPortPair } from "./udp-port-pair.js";

/** Loopback: the RTP between mediasoup and FFmpeg never leaves the edge. */
const LOOPBACK = "127.0.0.1";

export interface RtpContributionEvents {
  /** FFmpeg stopped on its own (the origin went away, or the media broke it). */
  failed: [string];
}

/**
 * One WHIP publisher's media on its way to the origin: a mediasoup PlainTransport and
 * consumer per track sending plain RTP over loopback to an FFmpeg that remuxes it into
 * MPEG-TS over SRT to the origin's contribution listener (the same path SRT publishers
 * take). H.264 and Opus are copied; VP8 becomes H.264, which MPEG-TS can carry.
 */
export class RtpContribution extends EventEmitter<RtpContributionEvents> {
  private readonly stderrTail: string[] = [];
  private closed = false;

  private constructor(
    private readonly transports: PlainTransport[],
    private readonly consumers: Consumer[],
    private readonly ffmpeg: ChildProcessByStdio<Writable, null, Readable>,
    private readonly log: Logger,
  ) {
    super();
    createInterface({ input: ffmpeg.stderr }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 10) this.stderrTail.shift();
    });
    ffmpeg.once("close", (code, signal) => {
      if (this.closed) return;
      this.emit("failed", `ffmpeg exited (${code ?? signal}): ${this.stderrTail.slice(-3).join(" | ")}`);
    });
  }

  /** Starts relaying `producers` to `target`; resolves once FFmpeg runs and media flows to it. */
  static async open(router: Router, producers: Producer[], target: ContributionTarget & { latencyMs: number }, log: Logger): Promise<RtpContribution> {
    const transports: PlainTransport[] = [];
    const consumers: Consumer[] = [];
    try {
      const sections: string[] = [];
      for (const producer of producers) {
        // One transport per track: FFmpeg takes each SDP section on its own port pair.
        const transport = await router.createPlainTransport({ listenInfo: { protocol: "udp", ip: LOOPBACK }, rtcpMux: false, comedia: false });
        transports.push(transport);
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: plainReceiver(router), paused: true });
        consumers.push(consumer);
        const port = await freeUdpPortPair(LOOPBACK);
        await transport.connect({ ip: LOOPBACK, port, rtcpPort: port + 1 });
        sections.push(sdpSection(consumer, port));
      }
      const transcodeVideo = consumers.some((c) => c.kind === "video" && c.rtpParameters.codecs[0]?.mimeType.toLowerCase() !== "video/h264");
      const ffmpeg = spawn("ffmpeg", ffmpegArgs(target, transcodeVideo), { stdio: ["pipe", "ignore", "pipe"] });
      const contribution = new RtpContribution(transports, consumers, ffmpeg, log);
      ffmpeg.stdin.on("error", () => undefined); // an early exit is reported through "close"
      ffmpeg.stdin.end(sessionSdp(sections));
      // The first key frame must find FFmpeg's sockets bound; the session's timer sends more.
      ffmpeg.once("spawn", () => setTimeout(() => contribution.requestKeyFrame(), 300).unref());
      await Promise.all(consumers.map((c) => c.resume()));
      return contribution;
    } catch (error) {
      for (const transport of transports) transport.close();
      throw error;
    }
  }

  /** Asks the browser for a key frame, which is the only way FFmpeg gets one. */
  requestKeyFrame(): void {
    for (const consumer of this.consumers) {
      if (consumer.kind === "video" && !consumer.closed) consumer.requestKeyFrame().catch(() => undefined);
    }
  }

  /** Stops FFmpeg (letting it close the SRT connection) and the transports; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const transport of this.transports) transport.close();
    await stopProcess(this.ffmpeg, { signal: "SIGINT", graceMs: 2_000 });
  }
}

/** What FFmpeg's RTP receiver understands: the router's codecs without RTX, feedback or extensions. */
function plainReceiver(router: Router): RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => !c.mimeType.toLowerCase().endsWith("/rtx"))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

function sdpSection(consumer: Consumer, port: number): string {
  const codec = consumer.rtpParameters.codecs[0]!;
  const [, name] = codec.mimeType.split("/");
  const pt = codec.payloadType;
  const parameters = Object.entries(codec.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return [
    `m=${consumer.kind} ${port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ""}`,
    ...(parameters.length > 0 ? [`a=fmtp:${pt} ${parameters.join(";")}`] : []),
    "a=recvonly",
  ].join("\r\n");
}

function sessionSdp(sections: string[]): string {
  return ["v=0", `o=- 0 0 IN IP4 ${LOOPBACK}`, "s=tributary-whip", `c=IN IP4 ${LOOPBACK}`, "t=0 0", ...sections, ""].join("\r\n");
}

function ffmpegArgs(target: ContributionTarget & { latencyMs: number }, transcodeVideo: boolean): string[] {
  const srt = new URL(`srt://${target.host}:${target.port}`);
  srt.searchParams.set("mode", "caller");
  srt.searchParams.set("transtype", "live");
  srt.searchParams.set("latency", String(target.latencyMs * 1000)); // FFmpeg's libsrt takes microseconds
  if (target.passphrase) {
    srt.searchParams.set("passphrase", target.passphrase);
    srt.searchParams.set("pbkeylen", "16");
  }
  return [
    ...["-hide_banner", "-nostats", "-loglevel", "warning"],
    ...["-protocol_whitelist", "pipe,udp,rtp", "-f", "sdp", "-i", "pipe:0"],
    ...["-map", "0:v:0", "-map", "0:a:0?"],
    ...(transcodeVideo ? ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-bf", "0", "-crf", "20", "-maxrate", "8M", "-bufsize", "8M"] : ["-c:v", "copy"]),
    ...["-c:a", "copy"],
    ...LIVE_MPEGTS_OUTPUT,
    srt.toString(),
  ];
}
