/**
 * Gentle catch-up with the live edge by playing slightly faster. hls.js has its own
 * (`maxLiveSyncPlaybackRate`), but it only acts with more than a second of media buffered
 * ahead, which at a ~1 s target never happens: playback would stay wherever it started
 * (often half a GOP late, since only segment starts are independent). This one acts with
 * a small cushion and in coarse steps, so the rate changes rarely.
 */
export interface CatchUpInput {
  /** Seconds behind the live edge, null when unknown. */
  latency: number | null;
  /** Seconds behind the live edge playback aims for, null when unknown. */
  target: number | null;
  /** Seconds of media buffered ahead of the playhead. */
  forwardBuffer: number;
  paused: boolean;
}

/** Never catch up faster than this (pitch is preserved; 10 % is hard to notice). */
export const MAX_CATCH_UP_RATE = 1.1;
/** Below this buffer the playhead could run dry before the next part lands (s). */
export const MIN_CATCH_UP_BUFFER = 0.4;
/** Closer than this to the target counts as on target (s). */
export const ON_TARGET = 0.1;
/** Further behind than this, hls.js jumps to live instead (its `liveMaxLatencyDuration`) (s). */
export const FAR_BEHIND = 3;

export function catchUpRate(input: CatchUpInput): number {
  const { latency, target, forwardBuffer, paused } = input;
  if (paused || latency === null || target === null) return 1;
  const behind = latency - target;
  if (behind <= ON_TARGET || behind > FAR_BEHIND || forwardBuffer < MIN_CATCH_UP_BUFFER) return 1;
  return behind > 0.5 ? MAX_CATCH_UP_RATE : 1.05;
}

/** Seconds buffered ahead of `time` in the range that contains it (0 when none does). */
export function bufferedAhead(ranges: ReadonlyArray<readonly [number, number]>, time: number): number {
  for (const [start, end] of ranges) {
    if (time >= start - 0.05 && time <= end) return Math.max(0, end - time);
  }
  return 0;
}
