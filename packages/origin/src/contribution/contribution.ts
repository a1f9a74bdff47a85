import { spawn, type ChildProcessByStdio } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { LIVE_MPEGTS_OUTPUT, stopProcess, type Logger } from "@tributary/common";
import type { SourceInfo } from "../transcode/ladder.js";
import { SourceProbe } from "./source-probe.js";
import type { ContributionSource } from "./sources.js";

/** Bytes kept while FFmpeg is still identifying the source (a few seconds of video). */
const MAX_UNPROBED_BYTES = 16 << 20;

/** Why a contribution stopped. */
export type ContributionEnd =
  | { reason: "finished" }
  | { reason: "failed"; detail: string }
  | { reason: "stopped" };

export interface ContributionEvents {
  /** The source has been probed; MPEG-TS data follows. */
  source: [SourceInfo];
  data: [Buffer];
  end: [ContributionEnd];
}

/**
 * One incoming live contribution, normalised to MPEG-TS by an FFmpeg process that only
 * receives and remuxes (or, for test sources, generates and encodes). Keeping reception in
 * its own process means a transcoder crash never drops the publisher's connection.
 */
export class Contribution extends EventEmitter<ContributionEvents> {
  readonly description: string;
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private endReported = false;
  private stopping = false;
  private readonly stderrTail: string[] = [];
  /** Wall clock when the first media bytes arrived: media time zero of the first run. */
  firstDataAt: number | undefined;

  constructor(
    private readonly source: ContributionSource,
    private readonly log: Logger,
  ) {
    super();
    this.description = source.description;
  }

  start(): void {
    if (this.child) return;
    const args = [
      ...["-hide_banner", "-nostdin", "-loglevel", "info", "-nostats"],
      ...this.source.args,
      ...LIVE_MPEGTS_OUTPUT,
      "pipe:1",
    ];
    const child = spawn("ffmpeg", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const probe = new SourceProbe();
    let probed = false;
    // FFmpeg may write its first TS bytes before its stderr tells what they are: keep them
    // (bounded) so the transcoder starts with the stream tables and the first key frame.
    let early: Buffer[] = [];
    let earlyBytes = 0;
    createInterface({ input: child.stderr }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
      if (probed) return;
      const found = probe.line(line);
      if (found === "no-video") {
        this.log.warn({ contribution: this.description }, "contribution has no video stream");
        this.fail("no video stream in the contribution");
      } else if (found) {
        probed = true;
        this.log.info({ contribution: this.description, source: found }, "contribution source probed");
        this.emit("source", found);
        if (earlyBytes > 0) this.emit("data", Buffer.concat(early));
        early = [];
      }
    });
    child.stdout.on("data", (chunk: Buffer) => {
      this.firstDataAt ??= Date.now();
      if (probed) return void this.emit("data", chunk);
      earlyBytes += chunk.length;
      if (earlyBytes > MAX_UNPROBED_BYTES) return this.fail("source could not be identified");
      early.push(chunk);
    });
    child.once("error", (error) => this.fail(`cannot start ffmpeg: ${error.message}`));
    child.once("close", (code, signal) => {
      if (this.stopping) return this.reportEnd({ reason: "stopped" });
      if (code === 0) return this.reportEnd({ reason: "finished" });
      this.reportEnd({ reason: "failed", detail: `ffmpeg exited (${code ?? signal}): ${this.stderrTail.slice(-3).join(" | ")}` });
    });
  }

  /** Stops receiving; idempotent. Resolves once the process is gone. */
  async close(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.reportEnd({ reason: "stopped" });
    await stopProcess(child, { graceMs: 3_000 });
  }

  private fail(detail: string): void {
    this.reportEnd({ reason: "failed", detail });
    this.child?.kill("SIGKILL");
  }

  private reportEnd(end: ContributionEnd): void {
    if (this.endReported) return;
    this.endReported = true;
    this.emit("end", end);
  }
}
