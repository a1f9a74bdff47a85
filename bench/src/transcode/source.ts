/** The contribution the transcode benchmark plays: a camera-like MPEG-TS file, looped. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SourceSpec {
  /** Short id used in file names and labels, e.g. `720p`. */
  name: string;
  width: number;
  height: number;
  frameRate: number;
  kbps: number;
}

/**
 * Encodes `seconds` of a test pattern with light moving noise (so the ladder's encoders work
 * about as hard as on camera content) and a tone, as an encoder publishing to an edge would:
 * H.264 with a 1 s GOP and AAC in MPEG-TS.
 */
export async function generateSource(dir: string, s: SourceSpec, seconds: number): Promise<string> {
  const file = join(dir, `source-${s.name}.ts`);
  await run("ffmpeg", ["-y", "-hide_banner", "-nostdin", "-loglevel", "error", ...sourceArgs(s, seconds, file)], { timeout: 180_000 });
  return file;
}

/** FFmpeg arguments that write the source file (also shown in RESULTS.md to reproduce it). */
export function sourceArgs(s: SourceSpec, seconds: number, file: string): string[] {
  return [
    ...["-f", "lavfi", "-t", String(seconds), "-i", `testsrc2=size=${s.width}x${s.height}:rate=${s.frameRate},noise=alls=8:allf=t`],
    ...["-f", "lavfi", "-t", String(seconds), "-i", "sine=frequency=1000:sample_rate=48000"],
    ...["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", String(s.frameRate)],
    ...["-b:v", `${s.kbps}k`, "-maxrate", `${s.kbps}k`, "-bufsize", `${s.kbps * 2}k`],
    ...["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2", "-f", "mpegts", file],
  ];
}
