import { el, setShown, setText } from "../shared/dom";
import { formatLatency } from "./latency";

export interface ReadoutView {
  /** Seconds behind the live edge, null when unknown. */
  latency: number | null;
  /** Short label of the level playing ("720p"), null when none. */
  level: string | null;
  /** Playback rate (above 1 while catching up with live). */
  playbackRate: number;
}

export interface ReadoutParts {
  latency: string;
  level: string | null;
  /** "1.15×" while hls.js speeds up to catch up with live. */
  rate: string | null;
}

export function readoutParts(view: ReadoutView): ReadoutParts {
  return {
    latency: formatLatency(view.latency),
    level: view.level,
    rate: view.latency !== null && Math.abs(view.playbackRate - 1) >= 0.01 ? `${view.playbackRate.toFixed(2)}×` : null,
  };
}

/** "0.9 s · 720p", "1.4 s · 480p · 1.15×", or "—". */
export function readoutText(view: ReadoutView): string {
  const parts = readoutParts(view);
  return [parts.latency, parts.level, parts.rate].filter((part) => part !== null).join(" · ");
}

/**
 * The live-latency readout under the video, refreshed 4×/s. The level and rate are
 * separate spans so narrow screens can drop them (the quality menu shows the level too).
 */
export class LatencyReadout {
  readonly #root: HTMLElement;
  readonly #latency = el("span", { class: "readout-latency" });
  readonly #level = el("span", { class: "readout-level" });
  readonly #rate = el("span", { class: "readout-rate" });

  constructor(root: HTMLElement) {
    this.#root = root;
    root.replaceChildren(this.#latency, this.#level, this.#rate);
  }

  render(view: ReadoutView): void {
    const parts = readoutParts(view);
    setText(this.#latency, parts.latency);
    setText(this.#level, parts.level === null ? "" : ` · ${parts.level}`);
    setShown(this.#level, parts.level !== null);
    setText(this.#rate, parts.rate === null ? "" : ` · ${parts.rate}`);
    setShown(this.#rate, parts.rate !== null);
    this.#root.setAttribute("aria-label", `Latency ${readoutText(view)}`);
  }
}
