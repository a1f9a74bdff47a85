import { exposeLive } from "../shared/expose";
import type { PlayerState } from "./player";

/**
 * Read-only view of the player for automated tests (`window.__player`). Every read
 * returns the current value; the object itself cannot be changed or replaced.
 */
export interface PlayerSnapshot {
  state: PlayerState;
  /** Number of video levels (variants) in the multivariant playlist; 0 before it loads. */
  levels: number;
  /** Index of the level playing now; -1 when none. */
  currentLevel: number;
  /** Seconds behind the live edge (hls.js estimate); null unless playing live. */
  latency: number | null;
  /** `video.currentTime`, seconds. */
  currentTime: number;
  /** Fatal hls.js errors since the page opened (each one leads to a recovery or a reload). */
  fatalErrors: number;
  /** Times playback started waiting for data while playing (the video's `waiting` events). */
  stalls: number;
}

declare global {
  interface Window {
    readonly __player?: Readonly<PlayerSnapshot>;
  }
}

export function exposePlayerState(target: Window, read: () => PlayerSnapshot): void {
  exposeLive(target, "__player", read);
}
