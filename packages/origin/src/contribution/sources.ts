/**
 * Where a contribution comes from: FFmpeg input (and, for generated sources, encoding)
 * arguments. The contribution process appends its MPEG-TS output to these.
 */
export interface ContributionSource {
  /** For logs and the control API. */
  description: string;
  args: string[];
}

/** Receive-and-remux: keep the publisher's codecs, first video and first audio stream. */
const REMUX = ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-copyts"];

export interface SrtListenerOptions {
  host: string;
  port: number;
  latencyMs: number;
  /** AES passphrase (10-79 characters) the caller must use. */
  passphrase: string;
  /** Give the port back when no caller arrives within this time. */
  listenTimeoutMs: number;
}

/**
 * The contribution transport: MPEG-TS over SRT, this process listening, one port per
 * stream, encrypted with a per-stream passphrase handed out by the control API.
 */
export function srtListener(o: SrtListenerOptions): ContributionSource {
  const query = new URLSearchParams({
    mode: "listener",
    transtype: "live",
    latency: String(o.latencyMs * 1000), // libsrt in FFmpeg takes microseconds
    listen_timeout: String(o.listenTimeoutMs * 1000),
    passphrase: o.passphrase,
    pbkeylen: "16",
  });
  return {
    description: `srt listener ${o.host}:${o.port}`,
    args: ["-i", `srt://${o.host}:${o.port}?${query.toString()}`, ...REMUX],
  };
}

/** A local file played in real time, looping (for development). */
export function fileSource(path: string): ContributionSource {
  return { description: `file ${path}`, args: ["-re", "-stream_loop", "-1", "-i", path, ...REMUX] };
}

export interface TestPatternOptions {
  width: number;
  height: number;
  frameRate: number;
}

/**
 * A generated test pattern with a 1 kHz tone, encoded as a camera encoder would and played
 * in real time. Both come from one lavfi input so the probe sees video and audio.
 */
export function testPattern(o: TestPatternOptions): ContributionSource {
  const graph = `testsrc2=size=${o.width}x${o.height}:rate=${o.frameRate}[out0];sine=frequency=1000:sample_rate=48000[out1]`;
  return {
    description: `test pattern ${o.width}x${o.height}@${o.frameRate}`,
    args: [
      ...["-re", "-f", "lavfi", "-i", graph],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p"],
      ...["-g", String(o.frameRate), "-b:v", "3000k", "-c:a", "aac", "-b:a", "128k"],
    ],
  };
}
