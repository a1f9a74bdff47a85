/**
 * The baseline: one bare FFmpeg producing the same ladder to the null muxer, paced by -re,
 * measured over a window that starts and ends on FFmpeg's own progress reports (frames of
 * the first rung, every 0.5 s).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { stopProcess } from "@tributary/common";
import { difference, snapshot, type CpuSnapshot, type WindowSample } from "./cpu-sample.js";

export interface BareWindowOptions {
  args: string[];
  /** Output frame rate of the first rung: frames / rate = seconds of video. */
  frameRate: number;
  warmupSeconds: number;
  windowSeconds: number;
}

export async function measureBare(o: BareWindowOptions): Promise<WindowSample> {
  const child = spawn("ffmpeg", [...o.args, "-progress", "pipe:1", "-stats_period", "0.5"], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderr.push(line);
    if (stderr.length > 20) stderr.shift();
  });
  try {
    return await new Promise<WindowSample>((resolve, reject) => {
      const startedAt = performance.now();
      let start: { cpu: CpuSnapshot; at: number; frame: number } | undefined;
      let block: Record<string, string> = {};
      const limitMs = 30_000 + (o.warmupSeconds + o.windowSeconds) * 2_000;
      const timer = setTimeout(() => reject(new Error(`bare ffmpeg: no complete window within ${limitMs / 1000} s`)), limitMs);
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`bare ffmpeg exited (${code ?? signal}): ${stderr.slice(-3).join(" | ")}`));
      });
      createInterface({ input: child.stdout }).on("line", (line) => {
        const eq = line.indexOf("=");
        if (eq < 0) return;
        const key = line.slice(0, eq);
        block[key] = line.slice(eq + 1).trim();
        if (key !== "progress") return;
        const frame = Number(block.frame);
        block = {};
        if (!Number.isFinite(frame) || child.pid === undefined) return;
        try {
          const now = performance.now();
          if (!start) {
            if (now - startedAt < o.warmupSeconds * 1000 || frame === 0) return;
            start = { cpu: snapshot({ ffmpeg: child.pid }), at: now, frame };
            return;
          }
          if (now - start.at < o.windowSeconds * 1000) return;
          const end = snapshot({ ffmpeg: child.pid });
          clearTimeout(timer);
          resolve({
            cpu: difference(end, start.cpu),
            mediaSeconds: (frame - start.frame) / o.frameRate,
            wallSeconds: (now - start.at) / 1000,
          });
        } catch (error) {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  } finally {
    await stopProcess(child, { signal: "SIGKILL" });
  }
}
