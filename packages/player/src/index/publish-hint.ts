/** Default SRT ingest port of an edge (DESIGN: "edge SRT ingest 9000/udp"). */
export const SRT_INGEST_PORT = 9000;

/**
 * The SRT URL a broadcaster publishes to on the edge that serves this page, with
 * `<key>` as the stream-key placeholder. IPv6 hosts get their brackets back
 * (`location.hostname` drops them).
 */
export function srtPublishUrl(hostname: string, key = "<key>", port = SRT_INGEST_PORT): string {
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname || "127.0.0.1";
  return `srt://${host}:${port}?streamid=${key}`;
}

/** A ready-to-run FFmpeg command that publishes a local file as a live stream. */
export function ffmpegPublishCommand(srtUrl: string): string {
  return `ffmpeg -re -i input.mp4 \\\n  -c:v libx264 -tune zerolatency -c:a aac \\\n  -f mpegts "${srtUrl}"`;
}
