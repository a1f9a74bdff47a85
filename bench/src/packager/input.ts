/**
 * The packager's input: one fragmented MP4 file per rendition, written by FFmpeg the way the
 * origin's transcoder writes its pipes (one fragment per frame, GOP = 1 s segment), for the
 * origin's default ladder from a 720p30 source.
 */
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Rendition {
  name: string;
  kind: "video" | "audio";
  /** Target bit rate, kbit/s (the origin's default ladder). */
  kbps: number;
  height?: number;
  width?: number;
  path: string;
  bytes: number;
}

/** The origin's default ladder for a 720p source (LADDER's rungs at or below 720), and audio. */
const LADDER = [
  { name: "720p", width: 1280, height: 720, kbps: 2800 },
  { name: "480p", width: 854, height: 480, kbps: 1400 },
  { name: "360p", width: 640, height: 360, kbps: 800 },
];
const AUDIO_KBPS = 128;

/**
 * Encodes `seconds` of a noisy test pattern (noise keeps x264 at its target bit rate, as
 * camera content does) and a tone into `dir`. ultrafast: the bytes matter here, not quality.
 */
export async function generateInput(dir: string, seconds: number): Promise<Rendition[]> {
  const fragmented = ["-f", "mp4", "-movflags", "+empty_moov+default_base_moof+frag_every_frame", "-flush_packets", "1"];
  const splits = LADDER.map((_, i) => `[s${i}]`).join("");
  const scales = LADDER.map((r, i) => `[s${i}]scale=${r.width}:${r.height},format=yuv420p[v${i}]`).join(";");
  const video = LADDER.flatMap((r, i) => [
    ...["-map", `[v${i}]`, "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "high"],
    ...["-b:v", `${r.kbps}k`, "-maxrate", `${r.kbps}k`, "-bufsize", `${r.kbps}k`],
    ...["-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-bf", "0"],
    ...fragmented,
    join(dir, `${r.name}.mp4`),
  ]);
  await run(
    "ffmpeg",
    [
      ...["-y", "-hide_banner", "-nostdin", "-loglevel", "error"],
      ...["-f", "lavfi", "-t", String(seconds), "-i", "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t"],
      ...["-f", "lavfi", "-t", String(seconds), "-i", "sine=frequency=1000:sample_rate=48000"],
      ...["-filter_complex", `[0:v:0]split=${LADDER.length}${splits};${scales}`],
      ...video,
      ...["-map", "1:a", "-c:a", "aac", "-b:a", `${AUDIO_KBPS}k`, "-ar", "48000", "-ac", "2", ...fragmented, join(dir, "audio.mp4")],
    ],
    { timeout: 120_000 },
  );
  const renditions: Omit<Rendition, "bytes">[] = [
    ...LADDER.map((r) => ({ ...r, kind: "video" as const, path: join(dir, `${r.name}.mp4`) })),
    { name: "audio", kind: "audio", kbps: AUDIO_KBPS, path: join(dir, "audio.mp4") },
  ];
  return Promise.all(renditions.map(async (r) => ({ ...r, bytes: (await stat(r.path)).size })));
}
