/**
 * Latency readout and the live-sync target. "Latency" here is what hls.js measures:
 * seconds between the playhead and the estimated live edge of the playlist, i.e. the
 * player's share of glass-to-glass delay (the DESIGN budget gives it about 600 ms).
 */

/** Seconds with one decimal ("0.9 s"); an em dash while unknown. */
export function formatLatency(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return "—";
  return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`;
}

/** Live-sync settings for hls.js, in seconds. */
export interface LiveTuning {
  /** Distance from the live edge that playback aims for (`liveSyncDuration`). */
  targetLatency: number;
  /** Beyond this distance hls.js jumps back to the target (`liveMaxLatencyDuration`). */
  maxLatency: number;
}

/**
 * The tuning for a stream's part and segment durations: the playlist's `PART-HOLD-BACK`
 * (at least three parts; the RFC's minimum distance from the live edge) plus one part of
 * margin against jitter in part delivery. Blocking reloads deliver each part as it is
 * listed, so more margin only adds delay; with half a part, a loaded machine stalled now
 * and then, and each stall moves hls.js' target back for good (`liveSyncOnStallIncrease`). hls.js speeds playback up only within one target duration
 * of the target, so the jump-back distance sits just past that range (1.5 target
 * durations, at least 1 s), leaving no band where playback stays far behind for good.
 * 200 ms parts with 1 s segments give 0.8 s and 2.3 s; nothing here assumes 200 ms.
 */
export function liveTuning(partTarget: number, partHoldBack: number, targetDuration: number): LiveTuning {
  const part = partTarget > 0 ? partTarget : DEFAULT_PART_TARGET;
  const holdBack = Math.max(partHoldBack, 3 * part);
  const targetLatency = roundTo(holdBack + part, 0.05);
  const maxLatency = roundTo(targetLatency + Math.max(1.5 * Math.max(targetDuration, part), 1), 0.05);
  return { targetLatency, maxLatency };
}

/** The part target the cluster uses by default (`PART_TARGET_MS=200`). */
export const DEFAULT_PART_TARGET = 0.2;

/** Tuning used before the first media playlist arrives (default 200 ms parts, 1 s segments). */
export const DEFAULT_TUNING: LiveTuning = liveTuning(DEFAULT_PART_TARGET, 3 * DEFAULT_PART_TARGET, 1);

function roundTo(value: number, step: number): number {
  return Number((Math.max(1, Math.round(value / step)) * step).toFixed(3));
}
