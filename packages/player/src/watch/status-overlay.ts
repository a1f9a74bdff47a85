import { el, setShown, setText } from "../shared/dom";
import type { PlayerStatus } from "./player";

/** What the overlay on the video shows for a player status. */
export interface OverlayContent {
  /** Whether the overlay card is shown at all. */
  card: boolean;
  /** A spinner (alone while buffering, with the card otherwise). */
  spinner: boolean;
  title: string;
  detail: string;
  /** A "Play" button: the browser wants a gesture before playing. */
  playButton: boolean;
  /** A link back to the stream list. */
  listLink: boolean;
  tone: "neutral" | "warning" | "muted";
}

/** Playback counts as buffering, for the spinner, after waiting this long (ms). */
export const BUFFERING_SPINNER_DELAY_MS = 500;

export function overlayContent(status: PlayerStatus, now: number): OverlayContent {
  const retry = retryText(status.retryAt, now);
  const none: OverlayContent = {
    card: false,
    spinner: false,
    title: "",
    detail: "",
    playButton: false,
    listLink: false,
    tone: "neutral",
  };
  if (status.needsGesture && (status.state === "loading" || status.state === "playing")) {
    return { ...none, card: true, title: "Ready to play", detail: "Your browser is waiting for a tap to start.", playButton: true };
  }
  switch (status.state) {
    case "loading":
      return { ...none, card: true, spinner: true, title: "Connecting to the stream…" };
    case "playing": {
      const buffering = status.waitingSince !== null && now - status.waitingSince >= BUFFERING_SPINNER_DELAY_MS;
      return { ...none, spinner: buffering };
    }
    case "offline":
      return {
        ...none,
        card: true,
        tone: "muted",
        title: "Offline — waiting for the stream",
        detail: joinSentences(status.message ?? "Playback starts as soon as the stream goes live.", retry),
        listLink: true,
      };
    case "reconnecting":
      return { ...none, card: true, spinner: true, tone: "warning", title: "Reconnecting…", detail: retry };
    case "ended":
      return {
        ...none,
        card: true,
        tone: "muted",
        title: "Stream ended",
        detail: "Thanks for watching. A new broadcast under this name starts playing here.",
        listLink: true,
      };
  }
}

function retryText(retryAt: number | null, now: number): string {
  if (retryAt === null) return "Checking now…";
  const seconds = Math.ceil((retryAt - now) / 1000);
  return seconds <= 0 ? "Checking now…" : `Checking again in ${seconds}\u00a0s.`;
}

function joinSentences(first: string, second: string): string {
  const trimmed = first.trim();
  return /[.!?…]$/.test(trimmed) ? `${trimmed} ${second}` : `${trimmed}. ${second}`;
}

/** The overlay on the video: state card, spinner, and the gesture "Play" button. */
export class StatusOverlay {
  readonly #root: HTMLElement;
  readonly #card: HTMLElement;
  readonly #spinner: HTMLElement;
  readonly #title: HTMLElement;
  readonly #detail: HTMLElement;
  readonly #play: HTMLButtonElement;
  readonly #listLink: HTMLAnchorElement;

  constructor(root: HTMLElement, onPlay: () => void) {
    this.#root = root;
    this.#spinner = el("div", { class: "spinner", "aria-hidden": "true" });
    this.#title = el("p", { class: "overlay-title" });
    this.#detail = el("p", { class: "overlay-detail" });
    this.#play = el("button", { type: "button", class: "button button-primary" }, "Play");
    this.#play.addEventListener("click", onPlay);
    this.#listLink = el("a", { href: "/", class: "button" }, "Browse live streams");
    this.#card = el(
      "div",
      { class: "overlay-card" },
      this.#title,
      this.#detail,
      el("div", { class: "overlay-actions" }, this.#play, this.#listLink),
    );
    root.replaceChildren(this.#spinner, this.#card);
  }

  render(content: OverlayContent): void {
    setShown(this.#root, content.card || content.spinner);
    this.#root.dataset.tone = content.tone;
    this.#root.classList.toggle("overlay-dim", content.card);
    setShown(this.#spinner, content.spinner);
    setShown(this.#card, content.card);
    setText(this.#title, content.title);
    setText(this.#detail, content.detail);
    setShown(this.#detail, content.detail !== "");
    setShown(this.#play, content.playButton);
    setShown(this.#listLink, content.listLink);
  }
}
