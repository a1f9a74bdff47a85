import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { stopProcess } from "@tributary/common";
import { CLOCK_COLS, CLOCK_ROWS, decodeClockFrame } from "./clock-code.js";

/** Decoded frames are scaled to this many pixels per clock cell in each direction. */
const CELL_PIXELS = 8;
export const DECODED_WIDTH = CLOCK_COLS * CELL_PIXELS;
export const DECODED_HEIGHT = CLOCK_ROWS * CELL_PIXELS;

export interface DecodedFrame {
  /** Position of the frame in decode output order, from 0. */
  index: number;
  /** The clock value the frame carries; null when it could not be read. */
  value: number | null;
  /** Wall-clock ms when the decoded frame reached us. */
  at: number;
}

/**
 * An FFmpeg decoder reading the clock code from every video frame of a stream fed in as
 * bytes (`mpegts`, `mp4` for fragmented MP4, `h264`): frames are scaled down to a few pixels
 * per cell and read in order. Decoding is single-threaded with no probing beyond the first
 * frames, so a frame comes out as soon as its bytes are in.
 */
export class FrameDecoder {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private count = 0;
  private readonly stderrTail: string[] = [];
  readonly frames: DecodedFrame[] = [];
  readonly done: Promise<void>;

  constructor(format: "mpegts" | "mp4" | "h264", onFrame?: (frame: DecodedFrame) => void) {
    this.child = spawn(
      "ffmpeg",
      [
        ...["-hide_banner", "-nostdin", "-loglevel", "error", "-threads", "1"],
        ...["-probesize", "32768", "-analyzeduration", "0", "-flags", "low_delay"],
        ...["-f", format, "-i", "pipe:0", "-map", "0:v:0", "-threads", "1"],
        ...["-vf", `scale=${DECODED_WIDTH}:${DECODED_HEIGHT}:flags=area,format=gray`, "-fps_mode", "passthrough"],
        ...["-f", "rawvideo", "-flush_packets", "1", "pipe:1"],
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    this.child.stdin.on("error", () => undefined);
    this.child.stderr.setEncoding("utf8").on("data", (text: string) => {
      this.stderrTail.push(...text.split("\n").filter(Boolean));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 10));
    });
    const frameBytes = DECODED_WIDTH * DECODED_HEIGHT;
    this.child.stdout.on("data", (chunk: Buffer) => {
      const at = Date.now();
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < frameBytes) return;
      let data = Buffer.concat(this.pending);
      while (data.length >= frameBytes) {
        const frame: DecodedFrame = {
          index: this.count++,
          value: decodeClockFrame(data.subarray(0, frameBytes), DECODED_WIDTH, DECODED_HEIGHT),
          at,
        };
        this.frames.push(frame);
        onFrame?.(frame);
        data = data.subarray(frameBytes);
      }
      this.pending = data.length > 0 ? [Buffer.from(data)] : [];
      this.pendingBytes = data.length;
    });
    this.done = new Promise((resolve) => this.child.once("close", () => resolve()));
  }

  write(bytes: Buffer): void {
    if (!this.child.stdin.destroyed) this.child.stdin.write(bytes);
  }

  /** No more input: resolves once every frame is out and FFmpeg has exited. */
  async end(): Promise<void> {
    this.child.stdin.end();
    await this.done;
  }

  /** Stops at once; idempotent. */
  async close(): Promise<void> {
    await stopProcess(this.child, { signal: "SIGKILL" });
  }

  get stderr(): string {
    return this.stderrTail.join(" | ");
  }
}
