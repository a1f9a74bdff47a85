import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ProbeResult {
  codec: string;
  /** Decoded frames (video) or packets (audio). */
  frames: number;
  width?: number;
  height?: number;
}

/**
 * Decodes bytes with ffprobe (through a temp file: fMP4 parts need their init segment in
 * front) and reports the first stream: codec and how many frames actually decode.
 */
export async function probeMedia(bytes: Buffer): Promise<ProbeResult> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-probe-"));
  const file = join(dir, "media.mp4");
  try {
    await writeFile(file, bytes);
    const { stdout } = await run("ffprobe", [
      ...["-v", "error", "-count_frames", "-select_streams", "0", "-show_entries"],
      ...["stream=codec_name,width,height,nb_read_frames", "-of", "json", file],
    ]);
    const stream = (JSON.parse(stdout) as { streams: Record<string, unknown>[] }).streams[0] ?? {};
    return {
      codec: String(stream.codec_name),
      frames: Number(stream.nb_read_frames),
      width: stream.width as number | undefined,
      height: stream.height as number | undefined,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface PublisherOptions {
  width?: number;
  height?: number;
  frameRate?: number;
}

/**
 * An encoder as a broadcaster runs it: FFmpeg encodes a test pattern with a tone in real
 * time and publishes MPEG-TS to `url` (e.g. `srt://127.0.0.1:10000?...`).
 */
export function startPublisher(url: string, o: PublisherOptions = {}): ChildProcess {
  const { width = 640, height = 360, frameRate = 30 } = o;
  return spawn(
    "ffmpeg",
    [
      ...["-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi"],
      ...["-i", `testsrc2=size=${width}x${height}:rate=${frameRate}[out0];sine=frequency=440:sample_rate=48000[out1]`],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", String(frameRate), "-pix_fmt", "yuv420p"],
      ...["-b:v", "1500k", "-c:a", "aac", "-b:a", "96k", "-f", "mpegts", url],
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
}

/** Processes on this machine whose argument list matches, read from /proc: for leak checks. */
export async function countProcesses(match: (argv: string[]) => boolean): Promise<number> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const argvs = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")));
  return argvs.filter((text) => text && match(text.split("\0").filter(Boolean))).length;
}
