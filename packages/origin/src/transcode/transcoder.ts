import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "@tributary/common";
import { transcodeArgs, type TranscodeSettings } from "./ffmpeg-args.js";

export interface TranscoderEvents {
  /** fMP4 bytes of rendition `index` (video rungs first, then audio). */
  output: [index: number, chunk: Buffer];
  /** The process is gone; `clean` when it finished because its input ended. */
  exit: [{ clean: boolean; detail: string }];
}

/**
 * One FFmpeg transcoder process for one stream run. Input MPEG-TS goes to stdin; each
 * rendition's fragmented MP4 comes back on its own pipe.
 */
export class Transcoder extends EventEmitter<TranscoderEvents> {
  private readonly child: ChildProcess;
  private readonly stdin: Writable;
  private readonly stderrTail: string[] = [];
  private exited = false;
  private killed = false;
  readonly pid: number | undefined;

  constructor(settings: TranscodeSettings, log: Logger) {
    super();
    const outputs = settings.rungs.length + (settings.audioKbps === undefined ? 0 : 1);
    const stdio: ("pipe" | "ignore")[] = ["pipe", "ignore", "pipe", ...Array<"pipe">(outputs).fill("pipe")];
    this.child = spawn("ffmpeg", transcodeArgs(settings), { stdio });
    this.pid = this.child.pid;
    this.stdin = this.child.stdin!;
    // EPIPE when FFmpeg dies mid-write is reported through 'exit', not as a crash.
    this.stdin.on("error", () => undefined);
    for (let i = 0; i < outputs; i++) {
      const pipe = this.child.stdio[3 + i] as Readable;
      pipe.on("data", (chunk: Buffer) => this.emit("output", i, chunk));
    }
    createInterface({ input: this.child.stderr! }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
      log.debug({ ffmpeg: line }, "transcoder stderr");
    });
    this.child.once("error", (error) => this.reportExit(false, `cannot start ffmpeg: ${error.message}`));
    this.child.once("close", (code, signal) => {
      const clean = code === 0 && !this.killed;
      this.reportExit(clean, `exit ${code ?? signal}${clean ? "" : `: ${this.stderrTail.slice(-3).join(" | ")}`}`);
    });
  }

  /** Feeds contribution bytes; returns false when the pipe is backed up. */
  write(chunk: Buffer): boolean {
    if (this.exited || this.stdin.destroyed) return false;
    return this.stdin.write(chunk);
  }

  /** The input has ended: FFmpeg flushes its outputs and exits. */
  endInput(): void {
    if (!this.stdin.destroyed) this.stdin.end();
  }

  /** Contribution bytes written but not yet taken by FFmpeg. */
  get queuedInput(): number {
    return this.stdin.writableLength;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Stops the process; idempotent. Resolves once it is gone. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.once("exit", () => resolve()));
    this.killed = true;
    this.child.kill("SIGKILL");
    await gone;
  }

  private reportExit(clean: boolean, detail: string): void {
    if (this.exited) return;
    this.exited = true;
    this.emit("exit", { clean, detail });
  }
}
