import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { stopProcess, type Logger } from "@tributary/common";

/** Debian's fonts-dejavu-core; without it the pattern has no clock. */
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";

/**
 * The demo stream's encoder: an FFmpeg test pattern with a running wall clock and a tone,
 * encoded as a broadcaster's encoder would and published over SRT to the edge, exactly
 * like an external encoder. Restarted if it stops, until closed.
 */
export class DemoPublisher {
  private child: ChildProcess | undefined;
  private closed = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.closed) return;
    const clock = existsSync(FONT)
      ? `,drawtext=fontfile=${FONT}:text='%{localtime\\:%T}':fontsize=72:fontcolor=white:box=1:boxcolor=black@0.6:x=40:y=h-th-40`
      : "";
    const child = spawn(
      "ffmpeg",
      [
        ...["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi"],
        ...["-i", `testsrc2=size=1280x720:rate=30${clock}[out0];sine=frequency=440:beep_factor=4:sample_rate=48000[out1]`],
        ...["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p", "-b:v", "3000k"],
        ...["-c:a", "aac", "-b:a", "128k", "-f", "mpegts", this.url],
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.child = child;
    child.stderr?.on("data", (chunk: Buffer) => this.log.debug({ ffmpeg: chunk.toString().trim() }, "demo publisher"));
    child.once("exit", (code, signal) => {
      if (this.closed) return;
      this.log.warn({ code, signal }, "demo publisher stopped; restarting in 2 s");
      this.restartTimer = setTimeout(() => this.start(), 2_000);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    if (this.child) await stopProcess(this.child);
  }
}
