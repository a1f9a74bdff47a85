import { isRecord } from "../shared/json";

/** One reading of what the peer connection sends, from `pc.getStats()`. */
export interface SendSample {
  /** When the stats were taken (ms, the stats' own clock). */
  timestamp: number;
  /** RTP payload bytes sent so far, audio and video together. */
  bytesSent: number;
  /** Size and rate of the video being sent; null until the encoder reports them. */
  width: number | null;
  height: number | null;
  fps: number | null;
}

/** What the page shows about the outgoing media. */
export interface SendStats {
  /** Outgoing media bit rate over the last interval (kb/s); null on the first sample. */
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
}

export const NO_SEND_STATS: SendStats = { bitrateKbps: null, width: null, height: null, fps: null };

/**
 * Reads the `outbound-rtp` entries of a stats report (pass `report.values()`). With more
 * than one video encoding (simulcast), the largest one describes the video. Null when
 * nothing is being sent yet.
 */
export function sendSample(entries: Iterable<unknown>): SendSample | null {
  let sample: SendSample | null = null;
  let widest = -1;
  for (const entry of entries) {
    if (!isOutboundRtp(entry)) continue;
    sample ??= { timestamp: entry.timestamp, bytesSent: 0, width: null, height: null, fps: null };
    sample.timestamp = Math.max(sample.timestamp, entry.timestamp);
    sample.bytesSent += count(entry.bytesSent) ?? 0;
    const width = count(entry.frameWidth);
    if (entry.kind === "video" && width !== null && width > widest) {
      widest = width;
      sample.width = width;
      sample.height = count(entry.frameHeight);
      sample.fps = count(entry.framesPerSecond);
    }
  }
  return sample;
}

/**
 * Stats for the page from two consecutive samples. The bit rate needs both; it is null
 * after a counter went backwards (a new sender) or when no time passed.
 */
export function sendStats(previous: SendSample | null, current: SendSample): SendStats {
  const elapsedMs = previous === null ? 0 : current.timestamp - previous.timestamp;
  const bytes = previous === null ? -1 : current.bytesSent - previous.bytesSent;
  return {
    // bytes × 8 / ms = kilobits per second.
    bitrateKbps: elapsedMs > 0 && bytes >= 0 ? Math.round((bytes * 8) / elapsedMs) : null,
    width: current.width,
    height: current.height,
    fps: current.fps === null ? null : Math.round(current.fps),
  };
}

/** "1280×720 · 30 fps", "1280×720", or "—" before the encoder reports. */
export function formatVideo(stats: SendStats): string {
  if (stats.width === null || stats.height === null) return "—";
  const size = `${stats.width}×${stats.height}`;
  return stats.fps === null ? size : `${size} · ${stats.fps} fps`;
}

interface OutboundRtp {
  type: "outbound-rtp";
  kind: string;
  timestamp: number;
  bytesSent?: unknown;
  frameWidth?: unknown;
  frameHeight?: unknown;
  framesPerSecond?: unknown;
}

function isOutboundRtp(entry: unknown): entry is OutboundRtp {
  return isRecord(entry) && entry.type === "outbound-rtp" && typeof entry.kind === "string" && typeof entry.timestamp === "number";
}

/** A non-negative finite number from the stats, or null. */
function count(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}
