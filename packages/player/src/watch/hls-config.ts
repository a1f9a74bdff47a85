import type { HlsConfig } from "hls.js";
import { DEFAULT_TUNING } from "./latency";

/**
 * hls.js settings for LL-HLS with ~200 ms parts. The live-sync target starts from the
 * default part length and is re-derived from each stream's own `PART-INF` and
 * `PART-HOLD-BACK` once its first media playlist arrives (see `liveTuning`).
 */
export function lowLatencyConfig(): Partial<HlsConfig> {
  return {
    lowLatencyMode: true,
    // Playback aims this far behind the live edge (s)…
    liveSyncDuration: DEFAULT_TUNING.targetLatency,
    // …and jumps back to it when it falls further behind than this (s).
    liveMaxLatencyDuration: DEFAULT_TUNING.maxLatency,
    // Playback-rate catch-up is the player's own (catch-up.ts): hls.js's needs more than
    // a second of buffer ahead, which a ~1 s target never has.
    maxLiveSyncPlaybackRate: 1,
    // After a stall, move the target back by a part or so, not by hls.js's default 1 s.
    liveSyncOnStallIncrease: 0.25,
    // Live: keep a few seconds behind the playhead, not the whole session.
    backBufferLength: 4,
    // Do not buffer far ahead: there is nothing beyond the live edge anyway.
    maxBufferLength: 6,
    // Start with a rendition chosen from a conservative bandwidth guess.
    abrEwmaDefaultEstimate: 1_500_000,
    // Transmux off the main thread so page work does not delay parts.
    enableWorker: true,
  };
}
