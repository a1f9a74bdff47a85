import { el } from "../shared/dom";
import { watchPath } from "../shared/stream-name";
import { formatSince, sortStreams, type StreamState, type StreamSummary } from "../shared/streams-api";
import { formatViewers, hueForName } from "./stream-card";

const STATE_LABELS: Record<StreamState, string> = { live: "Live", reconnecting: "Reconnecting", ended: "Ended" };

/**
 * The grid of stream cards. Re-renders only when what it shows changed, so polling does
 * not steal keyboard focus or restart hover effects.
 */
export class StreamList {
  readonly #list: HTMLUListElement;
  #shown = "";

  constructor(list: HTMLUListElement) {
    this.#list = list;
  }

  render(streams: readonly StreamSummary[], now: number): void {
    const sorted = sortStreams(streams);
    const key = JSON.stringify(sorted.map((s) => [s.name, s.state, s.renditions, s.viewers, formatSince(s.startedAt, now)]));
    if (key === this.#shown) return;
    this.#shown = key;
    this.#list.replaceChildren(...sorted.map((stream) => card(stream, now)));
  }
}

function card(stream: StreamSummary, now: number): HTMLLIElement {
  const since = formatSince(stream.startedAt, now);
  const hue = hueForName(stream.name);
  const thumb = el(
    "div",
    { class: "thumb", style: `--hue: ${hue}`, "aria-hidden": "true" },
    el("span", { class: "thumb-letter" }, stream.name.charAt(0).toUpperCase()),
  );
  const badge = el("span", { class: "state-badge", "data-state": stream.state }, STATE_LABELS[stream.state]);
  const facts = [formatViewers(stream.viewers), since === null ? null : since === "just now" ? "started just now" : `started ${since} ago`]
    .filter((fact): fact is string => fact !== null)
    .join(" · ");
  const renditions = stream.renditions.length
    ? el("ul", { class: "chips", "aria-label": "Renditions" }, ...stream.renditions.map((r) => el("li", { class: "chip" }, r)))
    : null;
  const link = el(
    "a",
    { class: "stream-card", href: watchPath(stream.name), "data-state": stream.state },
    el("div", { class: "thumb-wrap" }, thumb, badge),
    el("div", { class: "card-body" }, el("h2", { class: "card-title" }, stream.name), el("p", { class: "card-facts" }, facts), renditions),
  );
  return el("li", {}, link);
}
