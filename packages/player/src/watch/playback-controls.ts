import { setShown } from "../shared/dom";
import { icon, type IconName } from "../shared/icons";

export interface ControlsView {
  paused: boolean;
  muted: boolean;
  /** Playing close enough to the live edge to call it live. */
  atLiveEdge: boolean;
  /** A live stream is playing (or paused): play, live badge and unmute hint apply. */
  playing: boolean;
  fullscreen: boolean;
}

export interface ControlsActions {
  togglePlay: () => void;
  toggleMute: () => void;
  goLive: () => void;
  toggleFullscreen: () => void;
}

export interface ControlsElements {
  play: HTMLButtonElement;
  mute: HTMLButtonElement;
  unmuteHint: HTMLButtonElement;
  live: HTMLButtonElement;
  fullscreen: HTMLButtonElement;
}

/** Buttons under the video: play/pause, mute, go-live badge, fullscreen, and the "tap to unmute" hint. */
export class PlaybackControls {
  readonly #elements: ControlsElements;
  #last = "";

  constructor(elements: ControlsElements, actions: ControlsActions) {
    this.#elements = elements;
    elements.play.addEventListener("click", actions.togglePlay);
    elements.mute.addEventListener("click", actions.toggleMute);
    elements.unmuteHint.addEventListener("click", actions.toggleMute);
    elements.live.addEventListener("click", actions.goLive);
    elements.fullscreen.addEventListener("click", actions.toggleFullscreen);
    elements.unmuteHint.prepend(icon("volumeOff"));
  }

  render(view: ControlsView): void {
    const key = JSON.stringify(view);
    if (key === this.#last) return;
    this.#last = key;
    const { play, mute, unmuteHint, live, fullscreen } = this.#elements;
    setIconButton(play, view.paused ? "play" : "pause", view.paused ? "Play" : "Pause");
    setIconButton(mute, view.muted ? "volumeOff" : "volumeOn", view.muted ? "Unmute" : "Mute");
    setIconButton(fullscreen, view.fullscreen ? "exitFullscreen" : "fullscreen", view.fullscreen ? "Exit full screen" : "Full screen");
    play.disabled = !view.playing;
    setShown(unmuteHint, view.muted && view.playing);
    const behind = view.playing && !view.atLiveEdge;
    live.disabled = !view.playing;
    live.classList.toggle("is-live", view.playing && view.atLiveEdge);
    live.setAttribute("aria-label", behind ? "Jump to live" : "Live");
    live.title = behind ? "Jump to live" : "Playing live";
  }
}

function setIconButton(button: HTMLButtonElement, name: IconName, label: string): void {
  if (button.dataset.icon !== name) {
    button.dataset.icon = name;
    button.replaceChildren(icon(name));
  }
  button.setAttribute("aria-label", label);
  button.title = label;
}
