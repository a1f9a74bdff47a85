import { setText } from "../shared/dom";
import { formatLatency } from "./latency";

export interface ReadoutView {
  /** Seconds behind the live edge, null when unknown. */
  latency: number | null;
  /** Short label of the level playing ("720p"), null when none. */
  level: string | null;
  /** Playback rate (above 1 while catching up with live). */
  playbackRate: number;
}

/** "0.9 s · 720p", "1.4 s · 480p · 1.15×", or "—". */
export function readoutText(view: ReadoutView): string {
  const parts = [formatLatency(view.latency)];
  if (view.level !== null) parts.push(view.level);
  if (view.latency !== null && Math.abs(view.playbackRate - 1) >= 0.01) parts.push(`${view.playbackRate.toFixed(2)}×`);
  return parts.join(" · ");
}

/** The live-latency readout under the video, refreshed 4×/s. */
export class LatencyReadout {
  readonly #value: HTMLElement;

  constructor(value: HTMLElement) {
    this.#value = value;
  }

  render(view: ReadoutView): void {
    setText(this.#value, readoutText(view));
  }
}
