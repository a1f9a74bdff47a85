import { exposeLive } from "../shared/expose";
import type { BroadcastState, Broadcaster } from "./broadcaster";

/**
 * Read-only view of the broadcast for automated tests (`window.__broadcast`). Every read
 * returns the current value; the object itself cannot be changed or replaced.
 */
export interface BroadcastSnapshot {
  state: BroadcastState;
  /** Stream of the current or last session (the server's `Tributary-Stream`); null before it answered. */
  stream: string | null;
  /** Absolute URL of the current or last WHIP session (`Location`). */
  sessionUrl: string | null;
  /** Outgoing audio + video payload bit rate over the last second; null unless live. */
  bitrateKbps: number | null;
  /** Size and frame rate of the video being sent; null unless live and encoding. */
  width: number | null;
  height: number | null;
  fps: number | null;
  /**
   * Why the last broadcast failed, as the page shows it (the server's message for a
   * refused offer), or that the server did not confirm its stop; null otherwise.
   */
  error: string | null;
  /** The code with it: the server's ("unauthorized", "too_many_sessions", …) or the page's ("permission_denied", …). */
  errorCode: string | null;
}

declare global {
  interface Window {
    readonly __broadcast?: Readonly<BroadcastSnapshot>;
  }
}

export function exposeBroadcastState(target: Window, broadcaster: Broadcaster): void {
  exposeLive(target, "__broadcast", (): BroadcastSnapshot => {
    const { bitrateKbps, width, height, fps } = broadcaster.stats;
    return {
      state: broadcaster.state,
      stream: broadcaster.stream,
      sessionUrl: broadcaster.sessionUrl,
      bitrateKbps,
      width,
      height,
      fps,
      error: broadcaster.error?.message ?? null,
      errorCode: broadcaster.error?.code ?? null,
    };
  });
}
