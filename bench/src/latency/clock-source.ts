import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import type { Writable } from "node:stream";
import { stopProcess } from "@tributary/common";
import { paintClock } from "./clock-code.js";

export interface ClockSourceOptions {
  /**
   * Where FFmpeg publishes MPEG-TS, e.g. `srt://127.0.0.1:9000?streamid=<key>`; undefined:
   * stdout only (the `ts` event), for a local encode/decode floor.
   */
  url: string | undefined;
  width: number;
  height: number;
  frameRate: number;
  videoKbps: number;
  /** libx264 preset of the "camera" encoder. */
  preset: string;
  /** Key frame interval in frames. */
  gop: number;
  /** Also hand the published MPEG-TS to the `ts` event (FFmpeg's tee muxer), to time the encoder. */
  tee: boolean;
}

export const DEFAULT_CLOCK_SOURCE: Omit<ClockSourceOptions, "url" | "tee"> = {
  width: 1280,
  height: 720,
  frameRate: 30,
  videoKbps: 2500,
  preset: "veryfast",
  gop: 30,
};

export interface ClockSourceEvents {
  /** MPEG-TS bytes as FFmpeg wrote them (with `tee`, or with no `url`), at wall-clock ms `at`. */
  ts: [chunk: Buffer, at: number];
  /** FFmpeg is gone; `detail` has its exit status and last stderr lines. */
  exit: [detail: string];
}

const AUDIO_RATE = 48_000;
const TONE_HZ = 440;

/**
 * A camera whose picture is its own clock: every frame shows the wall-clock ms at which it was
 * captured (handed to the encoder) as a {@link paintClock} code, with a steady tone, encoded
 * by FFmpeg as a broadcaster's encoder would (libx264 zerolatency, AAC, MPEG-TS) and published
 * to `url`. Raw gray frames go to FFmpeg's stdin and 16-bit PCM to fd 3, both paced by one
 * drift-free timer so that audio and video stay in step. `captures[n]` is frame n's capture time.
 */
export class ClockSource extends EventEmitter<ClockSourceEvents> {
  /** Capture wall-clock ms of each frame written, by frame index. */
  readonly captures: number[] = [];
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stopping = false;
  private readonly stderrTail: string[] = [];
  private readonly tone: Buffer;

  constructor(readonly options: ClockSourceOptions) {
    super();
    this.tone = toneSecond();
  }

  /** The frame index whose capture time is `ms`, if this source drew it. */
  frameAt(ms: number): number | undefined {
    return this.index.get(ms);
  }

  private readonly index = new Map<number, number>();

  start(): void {
    if (this.child) return;
    const o = this.options;
    const encode = [
      ...["-map", "0:v", "-map", "1:a", "-pix_fmt", "yuv420p"],
      ...["-c:v", "libx264", "-preset", o.preset, "-tune", "zerolatency", "-bf", "0", "-g", String(o.gop)],
      ...["-b:v", `${o.videoKbps}k`, "-maxrate", `${Math.round(o.videoKbps * 1.2)}k`, "-bufsize", `${Math.round(o.videoKbps / 2)}k`],
      ...["-c:a", "aac", "-b:a", "96k", "-ar", String(AUDIO_RATE), "-ac", "1"],
    ];
    // Audio leaves frame by frame and nothing waits for the PCR: what an encoder tuned for latency does.
    const ts = "f=mpegts:max_delay=0:pes_payload_size=0";
    const output =
      o.url === undefined
        ? ["-f", "mpegts", "-max_delay", "0", "-pes_payload_size", "0", "-flush_packets", "1", "pipe:1"]
        : o.tee
          ? ["-flush_packets", "1", "-f", "tee", `[${ts}:onfail=abort]${teeEscape(o.url)}|[${ts}]pipe:1`]
          : ["-f", "mpegts", "-max_delay", "0", "-pes_payload_size", "0", "-flush_packets", "1", o.url];
    const args = [
      ...["-hide_banner", "-nostdin", "-loglevel", "error"],
      ...["-f", "rawvideo", "-pix_fmt", "gray", "-s", `${o.width}x${o.height}`, "-r", String(o.frameRate), "-i", "pipe:0"],
      ...["-f", "s16le", "-ar", String(AUDIO_RATE), "-ac", "1", "-i", "pipe:3"],
      ...encode,
      ...output,
    ];
    const child = spawn("ffmpeg", args, { stdio: ["pipe", "pipe", "pipe", "pipe"] });
    this.child = child;
    const video = child.stdin;
    const audio = child.stdio[3] as Writable;
    video.on("error", () => undefined);
    audio.on("error", () => undefined);
    child.stdout.on("data", (chunk: Buffer) => this.emit("ts", chunk, Date.now()));
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      this.stderrTail.push(...text.split("\n").filter(Boolean));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 10));
    });
    child.once("close", (code, signal) => {
      clearTimeout(this.timer);
      this.emit("exit", `ffmpeg exited (${code ?? signal})${this.stopping ? "" : `: ${this.stderrTail.join(" | ")}`}`);
    });
    this.startedAt = performance.now();
    this.tick(video, audio);
  }

  /** Stops capturing and the encoder; idempotent. */
  async close(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child) return;
    child.stdin?.end();
    (child.stdio[3] as Writable | null)?.end();
    await stopProcess(child, { signal: "SIGTERM", graceMs: 2_000 });
  }

  /** Writes the next frame and its audio, then sleeps until the one after is due. */
  private tick(video: Writable, audio: Writable): void {
    if (this.stopping) return;
    const o = this.options;
    const n = this.captures.length;
    const frame = Buffer.allocUnsafe(o.width * o.height);
    const captured = Date.now();
    paintClock(frame, o.width, o.height, captured);
    video.write(frame);
    audio.write(this.audioFor(n));
    this.captures.push(captured);
    this.index.set(captured, n);
    const due = this.startedAt + ((n + 1) * 1000) / o.frameRate;
    this.timer = setTimeout(() => this.tick(video, audio), Math.max(0, due - performance.now()));
  }

  /** The tone's samples for frame n (continuous phase: whole seconds repeat exactly). */
  private audioFor(n: number): Buffer {
    const perFrame = AUDIO_RATE / this.options.frameRate;
    const start = Math.round(n * perFrame) % AUDIO_RATE;
    const end = Math.round((n + 1) * perFrame) % AUDIO_RATE || AUDIO_RATE;
    return end > start
      ? this.tone.subarray(start * 2, end * 2)
      : Buffer.concat([this.tone.subarray(start * 2), this.tone.subarray(0, end * 2)]);
  }
}

/** One second of a quiet sine tone, 16-bit mono PCM. */
function toneSecond(): Buffer {
  const pcm = Buffer.alloc(AUDIO_RATE * 2);
  for (let i = 0; i < AUDIO_RATE; i++) pcm.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * TONE_HZ * i) / AUDIO_RATE)), i * 2);
  return pcm;
}

/** The tee muxer splits its outputs on `|` (with `\` escaping): escape both in the URL. */
function teeEscape(url: string): string {
  return url.replace(/[\\|]/g, (c) => `\\${c}`);
}
