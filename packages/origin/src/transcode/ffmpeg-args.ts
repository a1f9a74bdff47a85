import type { PlannedRung } from "./ladder.js";

export interface TranscodeSettings {
  rungs: PlannedRung[];
  /** Audio bit rate, kbit/s; `undefined` when the source has no audio. */
  audioKbps: number | undefined;
  segmentTargetMs: number;
  x264Preset: string;
}

/**
 * FFmpeg arguments for one stream's ladder: read MPEG-TS on stdin, decode once, scale to
 * every rung, encode with libx264 tuned for latency (no B-frames, no lookahead, a key frame
 * on every segment boundary, GOP = segment), AAC once; each rendition is fragmented MP4
 * written to its own pipe, fd 3 onwards: video rungs in order, then audio.
 *
 * Every frame is its own fragment (`frag_every_frame`) so the packager sees each frame the
 * moment it is encoded and decides part boundaries itself; it rewrites the frames of a part
 * into one CMAF chunk, so the fine fragmentation never reaches viewers.
 */
export function transcodeArgs(s: TranscodeSettings): string[] {
  const n = s.rungs.length;
  const fps = s.rungs[0]?.frameRate ?? 30;
  const gop = Math.max(1, Math.round((fps * s.segmentTargetMs) / 1000));
  const segmentSeconds = s.segmentTargetMs / 1000;
  const splits = s.rungs.map((_, i) => `[s${i}]`).join("");
  const scales = s.rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:flags=bicubic,format=yuv420p[v${i}]`);
  // No `fps` filter: it holds each frame until the next arrives. The constant frame rate
  // comes from the encoders' output timing instead (`-fps_mode cfr -r`), which drops or
  // repeats frames without waiting.
  const graph = `[0:v:0]split=${n}${splits};${scales.join(";")}`;
  const fragmented = ["-f", "mp4", "-movflags", "+empty_moov+default_base_moof+frag_every_frame", "-flush_packets", "1"];
  const video = s.rungs.flatMap((r, i) => [
    ...["-map", `[v${i}]`, "-fps_mode", "cfr", "-r", String(fps)],
    ...["-c:v", "libx264", "-preset", s.x264Preset, "-tune", "zerolatency"],
    ...["-profile:v", "high", "-b:v", `${r.kbps}k`, "-maxrate", `${Math.round(r.kbps * 1.1)}k`, "-bufsize", `${r.kbps}k`],
    ...["-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0", "-bf", "0"],
    ...["-force_key_frames", `expr:gte(t,n_forced*${segmentSeconds})`],
    ...fragmented,
    `pipe:${3 + i}`,
  ]);
  const audio =
    s.audioKbps === undefined
      ? []
      : [
          ...["-map", "0:a:0", "-c:a", "aac", "-b:a", `${s.audioKbps}k`, "-ar", "48000", "-ac", "2"],
          ...fragmented,
          `pipe:${3 + n}`,
        ];
  return [
    ...["-hide_banner", "-nostdin", "-loglevel", "warning", "-nostats"],
    // No `-fflags nobuffer`: with it FFmpeg 5.1 hands audio on about a second after video.
    // Decode with slice threads only: frame threads hold one frame each before output, so
    // the default (a thread per core, plus one) delays every picture by a frame per core.
    ...["-thread_type", "slice"],
    ...["-probesize", "1000000", "-analyzeduration", "1000000", "-f", "mpegts", "-i", "pipe:0"],
    ...["-filter_complex", graph],
    ...video,
    ...audio,
  ];
}
